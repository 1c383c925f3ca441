# SMS and e-mail (src/notify/templates.rs)
# Values arrive as formatted text (times, money); the code adds the SMS prefix 【RescueDesk】.

## Shared by the messages

msg-common-hello = Hello,
msg-common-dear = Dear { $name },
msg-common-footer = This message was sent automatically by RescueDesk. Please do not reply to it.
# Between a label and its value in an e-mail
msg-common-colon = {": "}
msg-common-none = none
msg-common-list-separator = {", "}
msg-common-version = v{ $version }
msg-common-amount = ¥{ $amount }
msg-common-ticket = Ticket
msg-common-phone = Phone
msg-common-expected-arrival = Expected arrival
msg-common-plan-version = Plan version
msg-common-estimated-cost = Estimated cost
msg-common-revise-the-plan = Revise the plan
msg-common-fault-found-on-site = Fault found on site

## Dispatch to technician

msg-technician-dispatch-subject = Dispatch: rescue ticket { $number }, { $address }
msg-technician-dispatch-intro = You have been dispatched to the rescue job below. The plan has been approved by the service director: collect the parts from the parts desk against it, set off as soon as possible, and report departure and arrival on the job page.
msg-technician-dispatch-customer = Customer
msg-technician-dispatch-location = Location
msg-technician-dispatch-fault = Fault
msg-technician-dispatch-items = Repair items
msg-technician-dispatch-tools = Tools
msg-technician-dispatch-parts = Parts
msg-technician-dispatch-open-job = Open the job page
msg-technician-dispatch-map-amap = Open in Amap
msg-technician-dispatch-map-osm = Open on the map (OpenStreetMap)
# SMS template parameter time, when no arrival time is expected
msg-technician-dispatch-asap = ASAP
msg-technician-dispatch-sms-expected = Expected on site { $time }.{" "}
msg-technician-dispatch-sms-set-off-now = Please set off now.{" "}
msg-technician-dispatch-sms-map = Map: { $url }{" "}
# $when and $map are the three SMS pieces above; $items, $tools, $parts come joined by the separator
msg-technician-dispatch-sms = Dispatch: ticket { $number }, customer { $customer_name }, tel. { $customer_phone }, at { $address }. Fault: { $fault }. { $when }Items: { $items }. Tools: { $tools }. Parts: { $parts }. { $map }Job: { $job_link }

## Customer: crew departed

msg-customer-crew-departed-subject = Our rescue crew is on the way (expected at { $expected_arrival })
msg-customer-crew-departed-intro = Our rescue crew has set off and expects to reach you at { $expected_arrival }.
msg-customer-crew-departed-lead = Rescue lead
msg-customer-crew-departed-safety = While you wait, please keep your hazard lights on, set up the warning triangle at the required distance behind your car, and wait in a safe place (on an expressway, behind the guardrail). If anything changes, please call the rescue lead.
msg-customer-crew-departed-follow = Follow the rescue
msg-customer-crew-departed-sms = Dear { $customer_name }, our crew is on the way, due { $expected_arrival }. Lead: { $lead_name }, tel. { $lead_phone }. { $status_link }

## Customer: parts delay (customer SMS stay within two UCS-2 segments, 134 units: terse; the e-mail says it in full)

msg-customer-parts-delay-subject = Update on your part: { $part_name }
msg-customer-parts-delay-intro = The part your car needs ({ $part_name }) has to be brought in and is now expected on { $new_eta }. We will contact you as soon as it arrives to arrange fitting.
msg-customer-parts-delay-dangerous-goods = This part is classed as dangerous goods (like airbags and lead-acid batteries): the rules do not allow it to travel by air, only by road, so it takes longer to arrive. Thank you for your understanding.
# The same, short enough for the SMS
msg-customer-parts-delay-dangerous-goods-sms = dangerous goods may not fly
msg-customer-parts-delay-sorry = We apologise for the inconvenience and thank you for your patience.
msg-customer-parts-delay-follow = Follow your repair
# $why is the SMS explanation above
msg-customer-parts-delay-sms-dangerous-goods = Dear { $customer_name }, your { $part_name } is due { $new_eta } ({ $why }). { $status_link }
msg-customer-parts-delay-sms = Dear { $customer_name }, your { $part_name } is now due { $new_eta }. Sorry for the wait. { $status_link }
# SMS template parameter note
msg-customer-parts-delay-note = dangerous goods: road only, no air

## Customer: resolved

msg-customer-resolved-subject = Your car ({ $plate }) has been fixed
msg-customer-resolved-intro = Our rescue crew has fixed the fault on your car ({ $plate }) on site. Thank you for your trust and your patience.
msg-customer-resolved-follow-up = Please rate our rescue service with the link below; if you do not, one of our service advisors will call you in the next few days to hear how we did. Safe driving!
msg-customer-resolved-details = See the details and rate our service
msg-customer-resolved-sms = Dear { $customer_name }, your car { $plate } is fixed. Thank you! Please rate our service: { $status_link }

## Customer: location request

msg-customer-location-request-subject = Please share your location so our crew can find you
msg-customer-location-request-intro = To help our rescue crew find you quickly, please open the link below, allow your browser to use your location, and send it to us.
msg-customer-location-request-share = Share my location
msg-customer-location-request-safety = Please do this from a safe place, away from traffic.
msg-customer-location-request-sms = Dear { $customer_name }, please share your location so our crew can find you: { $link }

## Staff notices: the link follows each SMS text; detail is the phrase of the generic staff_notice SMS template

msg-plan-review-subject = For review: rescue plan v{ $version } of ticket { $number }
msg-plan-review-body = The workshop lead has submitted rescue plan v{ $version } for ticket { $number }, estimated at ¥{ $total_yuan }. Please review it.
msg-plan-review-action = Review the plan
msg-plan-review-sms = Rescue plan v{ $version } for ticket { $number } (est. ¥{ $total_yuan }) awaits your review:{" "}
msg-plan-review-detail = plan v{ $version } awaits your review

msg-consent-call-subject = Please call the customer for consent: ticket { $number }
msg-consent-call-body = The rescue plan for ticket { $number } has passed review. Please call the customer with the expected arrival time, the rescue lead's name and phone number, the repair items and the estimated cost, and record whether they agree.
msg-consent-call-action = Record the customer's answer
msg-consent-call-sms = The plan for ticket { $number } passed review: please call the customer about the arrangement and cost and record their answer:{" "}
msg-consent-call-detail = plan reviewed, please call the customer

msg-plan-approval-subject = For approval: rescue plan v{ $version } of ticket { $number }
msg-plan-approval-body = Rescue plan v{ $version } for ticket { $number } has been reviewed by the service manager and the customer has agreed; the estimated cost is ¥{ $total_yuan }. Please approve or reject it: no parts are issued and no crew is dispatched before approval.
msg-plan-approval-action = Approve or reject the plan
msg-plan-approval-sms = Rescue plan v{ $version } for ticket { $number } (est. ¥{ $total_yuan }) has the customer's consent and awaits your approval:{" "}
msg-plan-approval-detail = plan v{ $version } awaits your approval

msg-plan-returned-subject = Plan returned: ticket { $number }
msg-plan-returned-body = The service manager has returned the rescue plan for ticket { $number }. Please revise it and submit it again.
msg-plan-returned-reason = Reason
msg-plan-returned-sms = The plan for ticket { $number } was returned by the service manager: { $reason }. Please revise and resubmit:{" "}
msg-plan-returned-detail = plan returned, please revise

msg-plan-rejected-subject = Plan rejected: ticket { $number }
msg-plan-rejected-body = The service director has rejected the rescue plan for ticket { $number }. Please revise it and submit it again.
msg-plan-rejected-reason = Reason
msg-plan-rejected-sms = The plan for ticket { $number } was rejected by the service director: { $reason }. Please revise and resubmit:{" "}
msg-plan-rejected-detail = plan rejected, please revise

msg-parts-to-issue-subject = Parts to issue: ticket { $number } (plan v{ $version } approved)
msg-parts-to-issue-body = Rescue plan v{ $version } for ticket { $number } has been approved by the service director. Please prepare the parts on the plan and issue them to the rescue lead; source anything missing without delay.
msg-parts-to-issue-action = Issue the parts
msg-parts-to-issue-sms = Plan v{ $version } for ticket { $number } is approved: please prepare the parts and issue them to the rescue lead:{" "}
msg-parts-to-issue-detail = plan v{ $version } approved, please issue the parts

msg-transfer-to-send-subject = Please send { $part } to { $to }
msg-transfer-to-send-body = { $to } needs “{ $part }” from us for rescue ticket { $number }; the units are held on our shelf. Please send them now and record the carrier and waybill on the parts desk.
msg-transfer-to-send-part = Part
msg-transfer-to-send-to = To
msg-transfer-to-send-action = Record shipping
msg-transfer-to-send-sms = { $to } needs “{ $part }” for ticket { $number }: please send it and record the waybill:{" "}
msg-transfer-to-send-detail = send { $part } to { $to }

msg-part-review-subject = Monitored part to review: ticket { $number }
msg-part-review-body = Ticket { $number } needs the monitored part “{ $part }” from another source. Before it is ordered the VIN must be checked and the owner verified (ID card, vehicle licence). Please review it so the parts desk can place the order.
msg-part-review-part = Monitored part
msg-part-review-action = Review
msg-part-review-sms = Ticket { $number }: monitored part “{ $part }” needs your review (VIN and owner):{" "}
msg-part-review-detail = monitored part { $part } to review

msg-fault-mismatch-subject = Fault on site differs from the plan: ticket { $number }
msg-fault-mismatch-body = The rescue lead has found on site that the real fault on ticket { $number } is not the one planned for. The workshop lead must revise the plan; the new version needs the customer's consent and the director's approval again.
msg-fault-mismatch-action = Open the ticket
msg-fault-mismatch-sms = Ticket { $number }: the fault on site differs from the plan: { $found }. The workshop lead must revise the plan:{" "}
msg-fault-mismatch-detail = fault on site differs from the plan

msg-orders-held-subject = Sourcing orders on hold: ticket { $number } has another fault than planned
msg-orders-held-body = The rescue lead on ticket { $number } found on site that the fault is not the planned one; the plan is being revised. The parts sourced for the old plan, “{ $parts }”, are on hold: do not place what is not placed, do not send what has not left. Once the revised plan is submitted, what it still needs goes on by itself and the rest is cancelled, releasing any units a sister dealer holds.
msg-orders-held-parts = Parts on hold
msg-orders-held-action = Open the sourcing orders
msg-orders-held-sms = Ticket { $number }: the fault on site differs from the plan; its sourcing orders are on hold ({ $parts }). Do not place or send them until the revised plan decides:{" "}
msg-orders-held-detail = sourcing orders on hold until the revised plan
msg-transfer-to-send-site-subject = Please send { $part } straight to the rescue site for { $to }
msg-transfer-to-send-site-body = { $to } needs “{ $part }” from us for rescue ticket { $number }; the units are held on our shelf. Please send them now straight to the rescue site, { $site }, and record the carrier and waybill on the parts desk.
msg-transfer-to-send-site-for = For
msg-transfer-to-send-site-sms = { $to } needs “{ $part }” for ticket { $number }: please send it straight to the rescue site, { $site }, and record the waybill:{" "}
msg-transfer-to-send-site-detail = send { $part } straight to the rescue site, { $site }
