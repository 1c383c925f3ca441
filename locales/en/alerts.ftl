# The timer worker's warnings and escalations (notify::templates, StaffPromiseWarning and
# StaffPromiseBreached); audit labels of what it records.
msg-promise-warning-subject = Due soon: { $level } ticket { $number }, { $stage }
msg-promise-warning-body = The promise "{ $stage }" on { $level } ticket { $number } runs out at { $deadline }, { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    } from now. Please see that whoever holds the current step acts on it.
msg-promise-warning-sms = { $level } ticket { $number }: "{ $stage }" is due at { $deadline }, { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    } left; please follow it up:{" "}
msg-promise-warning-detail = promise due soon
msg-promise-breached-subject = Late: { $level } ticket { $number }, { $stage }
msg-promise-breached-body = The promise "{ $stage }" on { $level } ticket { $number } ran out at { $deadline } and is { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    } late. The customer is still waiting: please step in now.
msg-promise-breached-sms = { $level } ticket { $number }: "{ $stage }" was due at { $deadline } and is { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    } late; the customer is still waiting, please step in:{" "}
msg-promise-breached-detail = promise broken
msg-promise-action = Open the ticket
msg-promise-level = Response level
msg-promise-stage = Promised step
msg-promise-deadline = Due at
alert-audit-warning = Promise due soon: warned
alert-audit-breached = Promise broken: escalated
template-promise-warning = Promise due soon
template-promise-breached = Promise broken
template-orders-held = Parts orders held
alert-audit-late = Promise broken when the stage ended: recorded
alert-audit-late-detail = { $stage }: done { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} late
alert-audit-told = { $stage }: told { $people }
alert-audit-by-system = RescueDesk (automatic)
