# Page job.html

job-acknowledge = Acknowledge
job-arrived = Arrived
job-confirm-the-fault-is-fixed-and = Confirm the fault is fixed and the rescue is done?
job-depart = Depart
job-eta = ETA
job-fault-does-not-match = Fault does not match
job-navigate-amap = Navigate (Amap)
job-parts-following-you = Parts following you
job-plan = Plan
job-tow-note = Tow note
job-tow-to-workshop = Tow to workshop
job-used = used
job-what-you-found-does-not-match = What you found (does not match the plan)
job-work-done-required = Work done (required)
job-done-acknowledged = Job acknowledged
job-done-departed = Departed; the customer is texted
job-done-arrived = On site
job-done-mismatch = Reported: the workshop lead will re-plan
job-done-resolved = Resolved; unused parts returned
job-done-towed = Recorded: towed to the workshop
job-not-on-crew = You are not on this rescue crew
job-mark-resolved = Mark resolved
