# Messages of the services and the API: errors, refusals, field errors.

## Not found, by thing.
svc-not-found-ticket = Ticket not found
svc-not-found-plan = Plan not found
svc-not-found-part = Part not found
svc-not-found-sourcing-order = Sourcing order not found
svc-not-found-message = Message not found
svc-not-found-user = User not found
svc-not-found-user-login = User { $login } not found
svc-not-found-technician = Technician not found
svc-not-found-vehicle = Vehicle not found
svc-not-found-import-kind = Import kind (parts, stock, history) not found
svc-method-not-allowed = The method { $method } is not allowed here (allowed: { $allowed })
svc-not-found-endpoint = Endpoint not found
svc-not-found-page = Page not found
svc-not-found-record = Record not found

## Access and the server.
svc-unauthenticated = Sign-in required (session cookie or bearer token)
svc-forbidden-step = Your role may not take this step ({ $action })
svc-forbidden = Your role may not { $action }
svc-internal = Internal error, please retry later
svc-database-unavailable = Database temporarily unavailable
svc-bench-no-data = No data: load the demo first (rescuedesk demo, or bench --scale)
svc-demo-not-empty = The database already holds data: seed loads into an empty database only
svc-secret-exists = The secret exists already

## Sourcing orders.
svc-sourcing-kind-invalid = Use sister_transfer or manufacturer
svc-shipping-mode-invalid = Use drive, road, express or air
svc-destination-invalid = Use dealer or site
svc-order-invalid-transition = An order that is "{ $status }" cannot { $action }
svc-order-no-review-needed = Only monitored parts are reviewed
svc-order-held = The fault on site did not match the plan: this order is on hold until the revised plan decides whether the part is still needed; it cannot be placed or sent meanwhile
svc-order-stale = Someone else just updated this order; reload
svc-sourcing-kind-and-mode = Give both kind and mode to pick an option
svc-sourcing-plan-not-approved = Parts are sourced only for a director-approved plan
svc-sourcing-part-not-in-plan = This part is not in the current plan
svc-sourcing-part-covered = { $part_no } is covered or on its way already
svc-sourcing-quantity-range = Quantity must be 1 to { $short } (still short)
svc-sourcing-source-cannot-supply = The chosen source cannot supply this by that mode
svc-sourcing-no-option = No sourcing option is available
svc-review-check-vin = Check the VIN
svc-review-check-owner = Check the owner
svc-order-plan-not-approved = Orders are placed only for a director-approved plan
svc-order-sister-stock-taken = The sister dealer no longer has { $part_no } to spare; choose another source
svc-ship-carrier-required = Enter the carrier or driver (up to 40 characters)
svc-ship-tracking-too-long = Tracking number too long
svc-ship-tracking-required = A tracking number is required unless it is a drive-over
svc-order-sister-hold-gone = The sister dealer's held units are gone; check the stock
svc-order-crew-not-out = The crew is not out; receive the part at the dealer instead
svc-reason-required = A reason is required

## Tickets and lists.
svc-idempotency-key-invalid = Idempotency-Key must be 1 to { $max } ASCII characters
svc-concurrent-conflict = Concurrent request conflict, please retry
svc-idempotency-key-reused = This Idempotency-Key was already used for a different request
svc-filter-unknown-status = Unknown status "{ $value }"
svc-filter-too-long = At most { $max } characters
svc-filter-date-format = Use YYYY-MM-DD
svc-page-from-one = Pages start at 1
svc-per-page-range = 1 to { $max } per page

## Outbox.
svc-outbox-status-invalid = Must be pending, sending, sent or dead
svc-outbox-channel-invalid = Must be sms or email
svc-outbox-retry-not-dead = Only dead messages can be retried; this one is { $status }

## Parts issue.
svc-issue-at-least-one = Issue at least one part
svc-quantity-range = Quantity must be 1 to { $max }
svc-issue-version-stale = Parts are issued only against the current approved plan v{ $current } (you asked for v{ $asked })
svc-issue-plan-not-approved = Plan v{ $version } is not approved by the service director
svc-issue-not-now = Parts cannot be issued while the ticket is "{ $status }"
svc-issue-receiver-not-crew = The receiver must be on the crew
svc-issue-part-not-in-plan = This part is not in the plan
svc-issue-over = { $part_no }: plan { $planned }, issued { $issued }, cannot issue { $asked } more
svc-issue-out-of-stock = Not enough { $part_no } in stock here

## Users and sign-in.
svc-user-login-invalid = Login must be 3-40 letters, digits or . _ -
svc-user-name-invalid = Enter a name (up to 50 characters)
svc-user-email-invalid = Not a valid e-mail address
svc-user-role-unknown = Unknown role "{ $role }"; known: { $known }
svc-user-role-required = At least one role is required
svc-user-password-too-short = The password needs at least { $min } characters
svc-user-dealer-unknown = No dealer with code "{ $code }"
svc-sign-in-wrong = Wrong login or password
svc-sign-in-locked-seconds = Too many failed sign-ins; try again after { $at } (in about { $seconds } s)
svc-sign-in-locked-minutes = Too many failed sign-ins; try again after { $at } (in about { $minutes } min)

## Approvals.
svc-review-decision-invalid = Must be accept or return
svc-on-decline-invalid = Must be replan or cancel
svc-director-decision-invalid = Must be approve or reject
svc-time-rfc3339 = Use RFC 3339
svc-arrival-in-past = The arrival time cannot be in the past

## The crew and the ticket.
svc-ticket-no-plan = This ticket has no plan yet
svc-not-in-crew = You are not on this rescue crew
svc-not-rescue-lead = Only the rescue lead or the service manager may mark departure
svc-nothing-to-acknowledge = Nothing to acknowledge while the ticket is "{ $status }"
svc-work-done-required = Describe the work done
svc-parts-used-range = { $issued } issued: use 0 to { $issued }
svc-caller-not-mobile = The caller's number is not a mobile; no SMS possible
svc-ticket-stale = Someone else just acted on this ticket; reload and try again

## Plans.
svc-plan-not-our-technician = Not a technician of this dealer
svc-plan-not-our-tool = Not a tool of this dealer
svc-plan-tool-only = The dealer has only { $count }
svc-plan-part-not-in-catalogue = Not in the parts catalogue
svc-plan-location-pending = Location pending, so the distance cannot be estimated: enter the distance in km, or wait for the customer's position
svc-plan-not-now = The plan cannot change while the ticket is "{ $status }"
svc-plan-submit-stale = You submit v{ $asked } but the current plan is v{ $current } ({ $status })
svc-plan-already-submitted = The plan was already submitted
svc-idempotency-key-not-ascii = must be ASCII

## Request bodies, queries and paths.
svc-body-unreadable = Could not read the body: { $detail }
svc-body-too-large = The body exceeds { $max_kib } KiB
svc-body-empty = Empty body, JSON expected
svc-body-wrong-type = Wrong type: { $detail }
svc-body-malformed-json = Malformed JSON: { $detail }
svc-bad-query = Bad query parameters: { $detail }
svc-bad-path = Bad path: { $detail }
svc-body-media-type = The body must be { $expected }, got { $got }
svc-body-media-type-missing = The body must be { $expected }, got no type

## Links, sign-in and the store.
svc-token-unknown = Token unknown or revoked
svc-sign-in-busy = Sign-in is busy, please retry shortly
svc-stock-busy = Stock is changing fast; please retry
svc-plan-submitted-meanwhile = The plan was submitted meanwhile
svc-user-login-taken = This login is taken
svc-location-pending = Location pending: the customer has not sent their phone's position through the SMS link yet
svc-request-timeout = The request body did not arrive in time

## Stages of a rescue (the timeline).
svc-stage = { $from } → { $to }
svc-stage-call = Call
svc-stage-plan-submitted = Plan submitted
svc-stage-approved = Approved by the director
svc-stage-departed = Departed
svc-stage-on-site = On site
svc-stage-resolved = Resolved
