# Page ticket_new.html

new-ticket-address = Address
new-ticket-call-time-empty-now = Call time (empty = now)
new-ticket-caller = Caller
new-ticket-caller-cannot-say-where-text-them = Caller cannot say where: text them a link to send their phone's location (the address is enough; coordinates follow)
new-ticket-chinese-map-apps = (Chinese map apps)
new-ticket-customer-name = Customer name
new-ticket-datum = Datum
new-ticket-e-g-hangzhou-ring-motorway-2 = e.g. Hangzhou ring motorway, 2 km west of Liuxia exit
new-ticket-fault-symptom = Fault symptom
new-ticket-gps = (GPS)
new-ticket-latitude = Latitude
new-ticket-location = Location
new-ticket-longitude = Longitude
new-ticket-mileage-km = Mileage (km)
new-ticket-model = Model
new-ticket-note-on-repairs-elsewhere = Note on repairs elsewhere
new-ticket-open-rescue-ticket = Open rescue ticket
new-ticket-paste-coordinates-map-app-lon-lat = Paste coordinates (map app: lon,lat)
new-ticket-phone = Phone
new-ticket-plate = Plate
new-ticket-repaired-elsewhere = Repaired elsewhere
new-ticket-take-a-call = Take a call
new-ticket-vin-optional = VIN (optional)
new-ticket-enter-a-number = Enter a number
new-ticket-enter-whole-kilometres = Enter whole kilometres
