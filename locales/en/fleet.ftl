# Rescue vehicles: the register, the readiness check, whether one may go out
fleet-action-view = see the rescue vehicles
fleet-action-manage = register rescue vehicles
fleet-action-check = record vehicle checks
fleet-not-found = Rescue vehicle not found
fleet-plate-taken = This dealer has a rescue vehicle with that plate already.
fleet-check-item-required = Answer each item: passed or not
fleet-check-note-required = An item did not pass: say what is wrong
fleet-kind-service-van = Service van
fleet-kind-tow-truck = Tow truck
fleet-kind-flatbed = Flatbed
fleet-carries-tool-kit = Tool kit
fleet-carries-jump-pack = Jump pack
fleet-carries-tyre-kit = Tyre kit
fleet-ready = Ready
fleet-check-failed = Check failed
fleet-check-overdue = Not checked today
fleet-never-checked = Never checked
