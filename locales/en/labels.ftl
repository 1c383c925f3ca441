# Names of the values of domain enums and codes, one key per value.

# Ticket statuses (domain::ticket::TicketStatus)
label-ticket-status-new = New
label-ticket-status-planning = Planning
label-ticket-status-awaiting-manager-review = Awaiting manager review
label-ticket-status-awaiting-customer-consent = Awaiting customer consent
label-ticket-status-awaiting-director = Awaiting director
label-ticket-status-approved = Approved
label-ticket-status-dispatched = Dispatched
label-ticket-status-on-site = On site
label-ticket-status-replanning = Re-planning
label-ticket-status-resolved = Resolved
label-ticket-status-towed-to-workshop = Towed to workshop
label-ticket-status-closed = Closed
label-ticket-status-cancelled = Cancelled

# Roles (domain::role::Role)
label-role-call-agent = Call agent
label-role-workshop-lead = Workshop lead
label-role-service-manager = Service manager
label-role-service-director = Service director
label-role-parts-desk = Parts desk
label-role-parts-manager = Parts manager
label-role-technician = Technician
label-role-admin = Administrator
label-role-catalogue-admin = Platform catalogue admin

# Shipping modes and sourcing kinds (domain::sourcing)
label-shipping-mode-drive = Drive-over
label-shipping-mode-road = Road freight
label-shipping-mode-express = Express courier
label-shipping-mode-air = Air freight
label-sourcing-kind-sister-transfer = Sister-dealer transfer
label-sourcing-kind-manufacturer = Manufacturer emergency order

# Sourcing order statuses (domain::sourcing_order)
label-order-status-proposed = Proposed
label-order-status-reviewed = Reviewed
label-order-status-placed = Placed
label-order-status-shipped = In transit
label-order-status-received = Received at dealer
label-order-status-delivered = Delivered to site
label-order-status-consumed = Used
label-order-status-cancelled = Cancelled
label-order-held = { $status } (On hold until the revised plan)

# Response levels (domain::response_level)
label-response-level-major = Level 1 (major)
label-response-level-serious = Level 2 (serious)
label-response-level-general = Level 3 (general)

# Milestones of a rescue (services::timeline)

# Approval steps and decisions (domain::approval)
label-approval-step-manager-review = Manager review
label-approval-step-customer-consent = Customer consent
label-approval-step-director = Director approval
label-decision-accepted = Accepted
label-decision-returned = Returned
label-decision-agreed = Agreed
label-decision-declined = Declined
label-decision-approved = Approved
label-decision-rejected = Rejected
label-approval-voided = void

# Technician skills and grades (demo::SKILLS, demo::GRADES)
label-skill-engine = Engine
label-skill-electrical = Electrical
label-skill-battery-ev = EV high-voltage battery
label-skill-transmission = Transmission
label-skill-brakes = Brakes
label-skill-tyres = Tyres
label-skill-towing = Towing
label-skill-diagnostics = Diagnostics
label-skill-air-conditioning = Air conditioning
label-skill-body = Body
label-skill-keys-immobiliser = Keys and immobiliser
label-grade-junior = Junior technician
label-grade-intermediate = Intermediate technician
label-grade-senior = Senior technician
label-grade-master = Master technician
label-audit-ticket-created = Ticket opened
label-audit-plan-started = Planning started
label-audit-plan-saved = Plan saved
label-audit-plan-submitted = Plan submitted
label-audit-plan-revised = Plan revised (new version)
label-audit-review-accepted = Manager accepted
label-audit-review-returned = Manager returned the plan
label-audit-consent-agreed = Customer agreed
label-audit-consent-declined-replan = Customer declined, re-plan
label-audit-consent-declined-cancel = Customer declined, cancelled
label-audit-approval-approved = Director approved
label-audit-approval-rejected = Director rejected
label-audit-parts-issued = Parts issued
label-audit-parts-returned = Parts returned
label-audit-sourcing-proposed = Parts source chosen
label-audit-sourcing-reviewed = Monitored part reviewed
label-audit-sourcing-placed = Parts order placed
label-audit-sourcing-shipped = Parts shipped
label-audit-sourcing-received = Parts received at dealer
label-audit-sourcing-delivered = Parts delivered to site
label-audit-sourcing-cancelled = Parts order cancelled
label-audit-sourcing-held = Parts orders on hold until the revised plan
label-audit-stock-changed = Stock reserved / released
label-audit-customer-location-shared = Customer sent their location
label-audit-customer-location-requested = Location request texted
label-audit-crew-acknowledged = Crew acknowledged
label-audit-crew-departed = Crew departed
label-audit-crew-arrived = Crew on site
label-audit-site-mismatch-reported = Fault does not match
label-audit-site-resolved = Resolved on site
label-audit-site-towed = Towed to workshop
label-audit-ticket-closed = Closed
label-audit-ticket-cancelled = Cancelled
label-visit-maintenance = Maintenance
label-visit-repair = Repair
label-visit-rescue = Rescue
label-visit-warranty = Warranty
label-language-zh-cn = Chinese
label-language-en = English

# What a role may or may not do (a refusal names it).
label-action-create-ticket = create rescue tickets
label-action-view-tickets = view rescue tickets
label-action-view-vehicle-history = view vehicle service history
label-action-view-parts-desk = view the parts desk
label-action-view-outbox = view the outbox
label-action-retry-messages = retry messages
label-action-import-data = import DMS data
label-action-import-catalogue = import the shared parts catalogue
label-action-import-group-data = import stock or service history
label-action-pause-clock = pause or resume the clock
label-action-review-monitored-parts = review monitored parts
label-action-work-sourcing-orders = work sourcing orders
label-action-issue-parts = issue parts
label-action-view-technician-jobs = view technician jobs
