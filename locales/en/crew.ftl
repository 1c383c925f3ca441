# The crew's phone on the road: sharing its position from the job page, and the crew's distance
# and arrival on the ticket page, the board and the customer's status page.

crew-share-title = Your position for the desk and the customer
crew-share-explain = On the way to the customer, this page can send your phone's position every half minute, so the desk and the customer see how far you are. It stops when you arrive or the job ends, and only while this page is open.
crew-share-start = Share my position
crew-share-stop = Stop sharing
crew-share-unsupported = This browser cannot tell its position.
crew-share-finding = Finding your position…
crew-share-on = Sharing your position; last sent { $seconds } s ago.
crew-share-active = Sharing your position.
crew-share-failed = Sending failed; trying again shortly.
crew-share-denied = No position: allow this page to use your location, then try again.
crew-share-ended = The job is no longer on the road; sharing has stopped.
crew-share-stopped = Sharing stopped.

crew-eta-line = The crew is { $km } km away, about { $minutes } minutes (as of { $time }).
crew-eta-stale = The crew's last position is from { $time } and nothing newer has arrived: no distance is shown.
crew-eta-routed = by road, from the routing service
crew-eta-estimated = estimated from the straight line

crew-status-distance = The crew is about { $km } km from you.
crew-status-arrival = Expected at { $time }, { $minutes } min left.
crew-status-stale = We have not heard from the crew's phone for a few minutes; the arrival time above is the one we told you.

crew-board-position-at = position at { $time }
crew-board-position-stale = position stale (last { $time })

crew-position-job-not-active = The job is not on the road (it is { $status }): no position is taken.
crew-position-too-soon = A position arrived less than { $seconds } seconds ago; this one was not stored.
crew-position-accuracy-range = The accuracy must be between 0 and { $max } metres.
crew-position-time-bad = The phone's time for this position cannot be right.
crew-eta-title = Crew on the road
