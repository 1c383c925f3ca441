# Page work.html

work-nothing-waiting = Nothing waiting.
work-plan-amount = Plan amount
work-waiting = Waiting
work-approve-version = Approve v{ $version }
work-queue-new = Opened, waiting for a plan
work-queue-planning = To plan
work-queue-review = Review queue
work-queue-consent = Consent calls
work-queue-close = To close
work-queue-approval = Approval inbox
work-queue-parts = Parts to issue
work-queue-open = All open tickets
