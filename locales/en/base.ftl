# Page base.html

nav-roadside-rescue = Roadside rescue
nav-sign-out = Sign out
nav-tickets = Tickets
