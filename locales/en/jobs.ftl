# Page jobs.html

jobs-no-rescue-assigned-to-you-right = No rescue assigned to you right now.
jobs-your-sign-in-is-not-linked = Your sign-in is not linked to a technician record; ask an administrator.
