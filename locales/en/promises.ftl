# Response promises (the clock): stages, states, pause reasons, audit entries and errors.

promise-stage-response-started = Response started (plan submitted)
promise-stage-approved = Approved by the director
promise-stage-departed = Crew departed
promise-stage-on-site = On site
promise-stage-resolved = Resolved

promise-state-on-time = On time
promise-state-warning = Nearly due
promise-state-breached = Overdue

promise-reason-consent-call-unanswered = Consent call unanswered
promise-reason-customer-asked-to-wait = Customer asked to wait
promise-reason-customer-unreachable = Customer unreachable
promise-reason-other = Other

promise-audit-clock-paused = Clock paused
promise-audit-clock-resumed = Clock resumed

promise-already-paused = This ticket's clock is already paused; resume it first.
promise-not-paused = This ticket's clock is not paused.
promise-pause-disabled = The configuration does not allow pausing the clock.
promise-reason-invalid = The pause reason must be consent_call_unanswered, customer_asked_to_wait, customer_unreachable or other.
promise-note-required = Say why in a note when the reason is "other".
promise-rescue-over = The rescue is over; no clock is running.
