# The monthly report (services::reports).
rep-outcome-resolved = Resolved on site
rep-outcome-towed = Towed to the workshop
rep-outcome-cancelled = Cancelled
rep-outcome-open = Still open
rep-month-invalid = A month reads 2026-11
rep-date-invalid = A day reads 2026-11-01
rep-month-or-range = Give a month, or a first and a last day (not both)
rep-range-backwards = The last day is before the first
rep-range-too-long = A report covers at most { $days } days
rep-action-view = view the monthly report
rep-scope-invalid = The scope is dealer or group
rep-csv-section = Section
rep-csv-level = Response level
rep-csv-stage = Stage
rep-csv-measure = Measure
rep-csv-value = Value
