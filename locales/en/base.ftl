# Page base.html

nav-rescue = Rescue
nav-roadside-rescue = Roadside rescue
nav-sign-out = Sign out
nav-tickets = Tickets
