# The one-tap decision page (/a/…) opened from the service manager's and director's SMS.
decide-plan-version = Rescue plan, version { $version }
decide-lead = Rescue lead
decide-items = Repair items
decide-total = Estimated cost
decide-accept-text = The workshop lead has submitted the rescue plan for your review. Once accepted, please call the customer for consent.
decide-accept-button = Accept the plan
decide-consent-text = Please call the customer with the expected arrival time, the rescue lead's name and phone number, the repair items and the estimated cost. When the customer agrees, record it below.
decide-consent-button = The customer agreed
decide-approve-text = The customer agreed to this plan. Please approve it: the crew is dispatched at once.
decide-approve-button = Approve and dispatch
decide-other-answers = To return the plan, record a refusal or reject it, sign in and use the ticket page.
decide-stale = This link was for version { $sent } of the plan; it is now at version { $current }. The new version's link comes separately.
decide-done = This step has been taken: nothing waits on you now.
decide-open-ticket = Open the full ticket (sign-in needed)
