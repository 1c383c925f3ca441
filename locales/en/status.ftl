# Page status.html

status-finding-your-location = Finding your location…
status-location-sent-thank-you = Location sent, thank you!
status-no-location-please-allow-the-browser = No location: please allow the browser to use your location.
status-not-sure-where-you-are-send = Not sure where you are? Send your phone's location to the crew.
status-rescue-status = Rescue status
status-send-my-location = Send my location
status-sending-failed-please-try-again = Sending failed; please try again.
status-the-part-your-car-needs-is = The part your car needs is on its way, due
status-this-browser-cannot-tell-its-location = This browser cannot tell its location; please call the dealer.
status-we-have-received-your-location = We have received your location.
status-your-rescue = Your rescue
status-step-fixed = Fixed: the rescue is done. Thank you for your patience
status-step-towed = Your car has been towed to the workshop; the workshop will contact you
status-step-cancelled = This rescue was cancelled
status-step-on-site = The crew is with you and working on your car
status-step-crew-there-replanning = The crew is with you; the fault differs from what we expected and a revised plan is being prepared
status-step-new = We have your call and are arranging help
status-step-planning = A technician is preparing your rescue plan
status-step-review = Your rescue plan is being checked
status-step-consent = We will call you to confirm the plan and its cost
status-step-director = You agreed to the plan; it is waiting for final approval
status-step-approved = The rescue is approved; the crew is getting ready to leave
status-step-dispatched = The crew is on the way to you
status-rate-title = Please rate our rescue service
status-rate-hint = Your rating goes straight to the dealer's service manager and helps us do better.
status-rate-score = Satisfaction (1 to 5 stars)
status-rate-star-label = { $score ->
    [one] { $score } star
   *[other] { $score } stars
}
status-rate-comment = Anything you would like to tell us (optional)
status-rate-comment-placeholder = For example: did we arrive on time, how was the crew
status-rate-submit = Send my rating
status-rate-thanks = Thank you for your rating!
status-rate-your-score = Your rating: { $score ->
    [one] { $score } star
   *[other] { $score } stars
}
