# Page plan_editor.html

plan-add-item = + Add item
plan-busy = busy
plan-crew-tick-technicians-pick-one-rescue = Crew (tick technicians, pick one rescue lead)
plan-distance-km-one-way-empty-estimate = Distance (km one way; empty = estimate)
plan-e-g-battery-5q0-915 = e.g. battery, 5Q0 915
plan-estimated-repair-time-min = Estimated repair time (min)
plan-item = Item
plan-labour-min = Labour (min)
plan-lead = Lead
plan-on-crew = On crew
plan-owned = owned
plan-rate-h-empty-default = Rate (¥/h, empty = default)
plan-rescue-plan = Rescue plan
plan-save-and-submit-version = {"Save and submit version "}
plan-save-plan = Save plan
plan-search-part-number-or-name = Search part number or name
plan-skills = Skills
plan-special-notes-items-to-explain-to = Special notes (items to explain to the service manager)
plan-technician = Technician
plan-time-distance-and-notes = Time, distance and notes
plan-to-the-service-manager = {" to the service manager"}
plan-field-crew = Crew
plan-field-tools = Tools
plan-field-parts = Parts
plan-field-items = Repair items
plan-field-estimated-minutes = Estimated time
plan-field-travel-km = Distance
plan-field-special-notes = Special notes
plan-field-version = Plan version
plan-field-line = line { $line }
plan-editor-flag-dangerous = DG
plan-editor-flag-monitored = monitored
plan-editor-plan-saved = Plan saved
plan-editor-new-plan = New plan (version 1)
plan-editor-draft-version = Draft v{ $version }
plan-editor-saving-makes-version = Saving makes version { $version } and voids earlier consent and approvals
plan-editor-enter-whole-number = Enter a whole number
plan-editor-enter-whole-minutes = Enter whole minutes
plan-editor-enter-kilometres = Enter kilometres
