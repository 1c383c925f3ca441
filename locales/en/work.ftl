# Page work.html

work-nothing-waiting = Nothing waiting.
work-plan-amount = Plan amount
work-waiting = Waiting
work-approve-version = Approve v{ $version }
