# Messages of the domain rules: validation, plans, sourcing, workflow.

## Sourcing rules.
dom-sourcing-dangerous-goods-no-air = Dangerous goods may not be sent by air
dom-sourcing-review-required = A monitored part needs a review of the vehicle and owner first
dom-sourcing-customer-dangerous-goods = This part is classed as dangerous goods (like airbags or lead-acid batteries) and by law may not travel by air, only by land, so it takes longer to arrive. Thank you for your patience.
dom-sourcing-customer-monitored = This part is an anti-theft monitored part (like a key or an immobiliser unit); the rules require us to verify the vehicle and owner before ordering it, so it takes a little longer. Thank you for your patience.

## The ticket workflow.
dom-ticket-invalid-transition = Not possible while the ticket is "{ $status }" ({ $action })

## Plans.
dom-required = Required
dom-plan-crew-empty = Assign at least one technician
dom-plan-crew-too-many = At most { $max } technicians
dom-plan-one-lead = Exactly one technician must be the rescue lead
dom-plan-technician-twice = Technician listed twice
dom-plan-too-many-lines = At most { $max } lines
dom-plan-listed-twice = Listed twice
dom-plan-labour-range = Labour must be 0 to { $max } minutes
dom-plan-rate-out-of-range = Labour rate out of range
dom-plan-items-empty = Add at least one repair item
dom-plan-estimated-range = Estimated time must be 1 to { $max } minutes
dom-plan-travel-range = Distance must be 0 to { $max } km
dom-plan-notes-too-long = At most { $max } characters

## Intake.
dom-intake-call-time-format = Use RFC 3339, e.g. 2026-11-22T09:30:00+08:00
dom-intake-call-time-future = The call time cannot be in the future
dom-intake-call-time-too-old = The call time cannot be more than { $days } days ago
dom-intake-crs-invalid = crs must be wgs84 or gcj02
dom-intake-location-request-needs-mobile = A caller who cannot say where they are needs a mobile number to get the location SMS
dom-intake-mileage-range = Mileage must be between 0 and { $max } km
dom-intake-response-level-invalid = The response level must be 1, 2 or 3
dom-intake-open-ticket-for-plate = This plate already has an open ticket { $numbers }: check whether it is the same breakdown
dom-intake-mileage-below-last-visit = Mileage { $now } km is below the { $last } km recorded at the last visit: check with the caller

## Texts the system stores (hold and cancel reasons, timeline notes), rendered when shown.
dom-stored-mismatch-hold = Fault on site differs from the plan; awaiting the revised plan
dom-stored-rescue-over = The rescue is over
dom-stored-no-longer-in-plan = No longer in the plan
dom-stored-plan-revised = plan revised to v{ $version }
dom-stored-superseded-by = superseded by plan v{ $version }
dom-stored-customer-declined = customer declined
dom-stored-customer-phone-position = The customer's phone position
