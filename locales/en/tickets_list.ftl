# Page tickets_list.html

tickets-called-from = Called from
tickets-clear = Clear
tickets-no-tickets-match = No tickets match.
tickets-page = page
tickets-phone = Phone
tickets-rescue-tickets = Rescue tickets
tickets-rescue-tickets-2 = Rescue tickets
tickets-take-a-call = Take a call
tickets-to = to
