# Suspended areas (bad weather and the like): the /suspensions page, the intake warning, customer SMS, domain checks

susp-nav = Suspensions
susp-title = Suspended areas
susp-intro = In bad weather, no crews are sent into an area for a period; customers with open tickets inside are texted, and again when it is lifted.
susp-action-manage = declare and lift suspended areas
susp-area = Area
susp-map = Map of suspended areas
susp-map-hint = Circle: click its centre on the map and enter the radius. Polygon: click its corners on the map one by one.
susp-shape-circle = Circle (centre + radius)
susp-shape-polygon = Polygon
susp-radius-km = Radius (km)
susp-points = Corners (one per line: lat,lon)
susp-clear-points = Clear corners
susp-period = Period
susp-starts-at = Starts (empty: now)
susp-ends-at = Ends
susp-words = Words
susp-reason = Reason
susp-customer-words = What customers are told (at most 40 characters)
susp-words-default = Due to severe weather
susp-declare = Declare the suspension
susp-list = Recent suspensions
susp-none = No suspension in the last 30 days.
susp-state = State
susp-declared-by = Declared by
susp-lifted-by = Lifted by
susp-lift = Lift now
susp-state-scheduled = Scheduled
susp-state-active = Active
susp-state-ended = Ended
susp-state-lifted = Lifted
susp-area-circle = circle, radius { $km } km
susp-area-polygon = polygon, { $count ->
    [one] { $count } corner
   *[other] { $count } corners
}
susp-form-points-format = One corner per line: lat,lon (e.g. 30.2741,120.1551).
susp-already-over = This suspension has ended or was lifted already.
susp-intake-title = Suspended area:

dom-suspension-shape-invalid = The area is a circle or a polygon.
dom-suspension-radius-range = The radius must be between { $min } and { $max } km.
dom-suspension-points-count = A polygon needs { $min } to { $max } corners.
dom-suspension-points-no-area = These corners enclose no area (repeated, or on one line).
dom-suspension-time-format = Not a valid time; e.g. 2026-12-02T08:00:00+08:00 (08:00 Beijing time).
dom-suspension-starts-too-early = The start may be at most { $hours } hours ago.
dom-suspension-ends-before-start = The end must be after the start and after now.
dom-suspension-too-long = A suspension lasts at most { $days } days.
dom-intake-inside-suspension = This location lies in a suspended area: { $reason } (until { $until }). Do not promise an arrival time.
dom-intake-inside-suspension-words = This location lies in a suspended area: { $reason } (until { $until }). Tell the caller: “{ $words }”

msg-customer-suspension-default-words = Due to severe weather
msg-customer-suspension-subject = Roadside rescue in your area is paused ({ $from } to { $until })
msg-customer-suspension-intro = { $words }, roadside rescue in your area is paused from { $from } to { $until }. We will continue with your ticket { $number } as soon as it resumes.
msg-customer-suspension-period = Paused
msg-customer-suspension-safety = Please stay somewhere safe; in danger call 110 or 122.
msg-customer-suspension-sms = Dear { $customer_name }, { $words }: no rescue in your area { $from } to { $until }. { $number } resumes after.
msg-customer-suspension-lifted-subject = Roadside rescue in your area has resumed
msg-customer-suspension-lifted-intro = The pause of roadside rescue in your area has ended early; we will continue with your ticket { $number } shortly. Please keep your phone on.
msg-customer-suspension-lifted-sms = Dear { $customer_name }, rescue in your area has resumed; { $number } continues shortly. Please keep your phone on.
dom-suspension-points-crossing = The edges of the polygon cross; click its corners in order.
