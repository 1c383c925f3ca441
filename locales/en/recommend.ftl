# The plan editor's technician recommendation (services::recommend): its box and the reasons.
rec-title = Recommended technicians
rec-hint = Ranked by estimated arrival at the customer, weighing the skills the fault needs, grade and jobs already done today; only free technicians on duty are listed.
rec-wanted = Skills the fault needs: { $skills }
rec-wanted-none = The fault description names no particular skill
rec-empty = Nobody to recommend: every technician of this dealer and its sister dealers is busy, off duty or already on the crew.
rec-add = Add to crew
rec-added = Added
rec-sister-badge = Sister dealer · { $dealer }
rec-arrives-from-dealer = About { $minutes } min away ({ $km } km, from the dealer)
rec-arrives-from-last-site = About { $minutes } min away ({ $km } km, from a job finished { $ago } min ago)
rec-site-unknown = The customer's position is not known yet: not ranked by distance
rec-has-skills = Has the skills needed: { $skills }
rec-lacks-skills = Lacks: { $skills }
rec-grade = { $grade }
rec-no-job-today = No job yet today
rec-jobs-today = { $count ->
    [one] 1 job today
   *[other] { $count } jobs today
}
rec-on-call = On call: sets off from home
rec-sister-none-free = None of ours is free: { $dealer } helps out
rec-sister-sooner = About { $minutes } min sooner than our fastest
