# Message template names (the outbox, the ticket page; template_label in src/i18n/locale.rs)

template-technician-dispatch = Dispatch to technician
template-customer-crew-departed = Crew departed (customer)
template-customer-parts-delay = Parts delay (customer)
template-customer-resolved = Rescue done (customer)
template-customer-location-request = Location request (customer)
template-plan-review = Plan to review
template-consent-call = Call the customer for consent
template-plan-approval = Plan to approve
template-plan-returned = Plan returned
template-plan-rejected = Plan rejected
template-parts-to-issue = Parts to issue
template-part-review = Monitored part to review
template-transfer-to-send = Transfer to send
template-fault-mismatch = Fault does not match the plan

template-customer-suspension = Area suspended (customer)
template-customer-suspension-lifted = Suspension lifted (customer)
