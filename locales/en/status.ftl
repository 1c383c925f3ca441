# Page status.html

status-finding-your-location = Finding your location…
status-location-sent-thank-you = Location sent, thank you!
status-no-location-please-allow-the-browser = No location: please allow the browser to use your location.
status-not-sure-where-you-are-send = Not sure where you are? Send your phone's location to the crew.
status-rescue-status = Rescue status
status-send-my-location = Send my location
status-sending-failed-please-try-again = Sending failed; please try again.
status-the-part-your-car-needs-is = The part your car needs is on its way, due
status-this-browser-cannot-tell-its-location = This browser cannot tell its location; please call the dealer.
status-we-have-received-your-location = We have received your location.
status-your-rescue = Your rescue
