# Import reports: problems of rows and cells (src/import/report.rs), the report's lines, the import services' errors.

import-report-required = Required
import-report-too-long = At most { $max } characters
import-report-control-characters = Contains control characters
import-report-not-a-whole-number = Expected a whole number, not "{ $value }"
import-report-out-of-range = Must be between { $min } and { $max }
import-report-not-yes-no = Expected yes/no (true/false, 1/0), not "{ $value }"
import-report-un-number-invalid = A UN number is UN and four digits, e.g. UN3268, not "{ $value }"
import-report-date-invalid = Expected a date like 2025-03-14 or 2025-03-14 09:30, not "{ $value }"
import-report-visit-kind-invalid = Expected maintenance, repair, rescue or warranty, not "{ $value }"
import-report-visit-in-future = The visit cannot be in the future
import-report-quantity-without-part = A quantity without a part number
import-report-un-number-missing = Dangerous goods need a UN number, e.g. UN3268
import-report-un-number-not-dangerous = Only dangerous goods have a UN number (or set dangerous_goods to yes)
import-report-file-unreadable = The file could not be read: { $detail }
import-report-encoding-invalid = The file could not be read: bytes that are not valid { $encoding }
import-report-header-unreadable = Cannot read the header: { $detail }
import-report-file-empty = The file is empty; the first row must be the header
import-report-header-name-too-long = A column name in the header is longer than { $max } bytes: this is not a DMS export (are the line breaks missing?)
import-report-line-too-long = A line is longer than { $max } KiB: this is not a DMS export, and nothing after it was read
import-report-too-many-columns = The header has { $found } columns, at most { $max } are taken: this is not a DMS export
import-report-not-utf8 = Not valid UTF-8 (the start of the file was read as UTF-8): save it from Excel as "CSV UTF-8 (comma delimited)"
import-report-column-repeated = The column appears twice: { $name }
import-report-column-missing = Missing column { $name }
import-report-repeats-row = Repeats row { $first }
import-report-dealer-unknown = No dealer with code "{ $code }"
import-report-dealer-not-in-group = Your dealer group has no dealer with code "{ $code }"
import-report-part-unknown = "{ $part_no }" is not in the parts catalogue; import parts first
import-report-below-reserved = on_hand { $on_hand } is below the { $reserved } units reserved by rescue plans; settle those first
import-report-vehicle-unknown = No registered vehicle with plate "{ $plate }"
import-report-vin-mismatch = Does not match the VIN on file, { $stored }
import-report-differs-from-visit = Differs from row { $first } of the same visit

# The report's lines (command line) and counts
import-report-encoding-line = encoding: { $encoding }
import-report-unknown-column-line = row 1, { $column }: unknown column, ignored
import-report-more-columns = { $count } more unknown columns not listed
import-report-problem-line = row { $row }, { $column }: { $reason }
import-report-problem-total = { $problems } problem(s) in { $rows } row(s)
import-report-first-listed = , the first { $listed } listed
import-report-downgrade-line = row { $row }, { $part_no } { $field }: { $old } → { $new } (safety flag removed)
import-report-more-downgrades = { $count } more safety flags removed, not listed
import-report-summary = { $rows ->
        [one] 1 row read
       *[other] { $rows } rows read
    }: { $inserted } inserted, { $updated } updated, { $unchanged } unchanged, { $skipped } skipped
import-report-not-written = {" (not written)"}
import-report-verdict-confirmed = Written; the removed safety flags were confirmed and audited
import-report-verdict-written = Written
import-report-verdict-bad-rows = Bad rows: nothing written (--skip-bad writes the good rows)
import-report-verdict-downgrades = The file removes dangerous-goods or monitored flags: nothing written; check them and confirm with --confirm-downgrades
import-report-verdict-nothing = Nothing to write

# The API's refusals and the import services' errors
import-report-refused-bad-rows = { $count } bad row(s): nothing written
import-report-refused-downgrades = The file removes { $count } dangerous-goods or monitored flag(s): nothing written; check them and confirm with confirm_downgrades=true
import-report-part-changed = Part { $part_no } changed during the import; nothing was written, please import again
import-report-history-changed = Service history changed during the import; nothing was written, please import again
import-report-catalogue-changed = The catalogue changed during the import; nothing was written, please import again
import-report-stock-changed = Stock changed during the import; nothing was written, please import again
import-report-form-unreadable = The uploaded form could not be read: { $detail }
import-busy = Other imports are running (at most { $max } at once on this server); try again in a minute.
