# Dispatch board (/board): open tickets, countdowns and the map on a wall screen.

board-title = Dispatch board
board-nav = Board
board-sound-off = Turn sound on
board-sound-on = Sound is on
board-map = Rescue map
board-count-open = Open tickets
board-count-warning = Warning
board-count-breached = Breached
board-count-crews-out = Crews out
board-scope-group = All dealers of the group
board-scope-dealer = This dealer
board-cut = Showing the { $shown } oldest calls of { $open } open tickets.
board-empty = No open rescue tickets right now.
board-waits-on = Waits on:{" "}
board-paused = clock paused
board-no-promise = No promise
board-crews = Crews out
board-crew-departed = on the road
board-crew-on-site = on site
board-crew-lead = lead { $name }
board-crew-members = { $count ->
    [one] { $count } person
   *[other] { $count } people
}
board-crew-position-unknown = position unknown
board-step-start-planning = Planning
board-step-submit-plan = Plan submission
board-step-manager-review = Manager review
board-step-customer-consent = Customer consent
board-step-director-approval = Director approval
board-step-depart = Departure
board-step-arrive = Arrival on site
board-step-resolve = Repair on site
board-step-close = Closing

label-action-view-board = view the dispatch board
label-action-view-group-board = view the group's dispatch board

board-count-open-complaints = Open complaints
board-complaints = Open complaints
board-complaint-open-for = open { $time }
board-suspensions = Suspended areas
board-suspension-until = until { $until }
board-count-vehicles-ready = rescue vehicles ready
board-count-vehicles-not-ready = { $count } not ready
board-vehicles = Rescue vehicles out and not ready
board-vehicle-out = Out on
