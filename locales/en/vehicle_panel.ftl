# Page vehicle_panel.html

vehicle-home-dealer = Home dealer
vehicle-last-mileage = Last mileage
vehicle-recent-service-history = Recent service history
vehicle-this-vehicle-is-not-on-file = This vehicle is not on file in the group: record model and mileage in full.
