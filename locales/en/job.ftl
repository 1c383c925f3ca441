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
job-resolved = Resolved
job-tow-note = Tow note
job-tow-to-workshop = Tow to workshop
job-used = used
job-what-you-found-does-not-match = What you found (does not match the plan)
job-work-done-required = Work done (required)
