# Texts of every page: the frame, errors of the pages themselves
web-form-expired = The form expired; reload the page and try again
web-back-to-my-jobs = Back to my jobs
web-back-to-the-imports = Back to the imports
web-back-to-the-ticket-list = Back to the ticket list
web-enter-whole-number = Enter a whole number
web-duration-days = { $days } d { $hours } h
web-duration = { $hours ->
    [0] { $minutes } min
   *[other] { $minutes ->
        [0] { $hours } h
       *[other] { $hours } h { $minutes } min
    }
}
new-ticket-level-option = { $level } · respond within { $within }
