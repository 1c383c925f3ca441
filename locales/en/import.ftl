# Page import.html

import-also-accepted = Also accepted
import-and = And
import-and-more = and more:
import-bad-rows-nothing-was-written-correct = Bad rows: nothing was written. Correct them and import again, or tick “skip bad rows”.
import-bad-rows-skipped = ; bad rows skipped
import-column = Column
import-csv-file-utf-8-or-gbk = CSV file (UTF-8 or GBK, at most
import-csv-in-utf-8-a-bom = CSV in UTF-8 (a BOM is fine), UTF-16 with a BOM, or GBK/GB18030 as Excel saves it on a Chinese Windows: the encoding is detected and named in the result. Header row first (at most 200 columns), columns found by name in any order, Chinese names accepted. Rows are numbered as in a spreadsheet: the header is row 1. Imports insert or update, never delete. The result lists the first 1,000 problems and counts them all.
import-dangerous-goods = Dangerous goods
import-encoding-read = {"Encoding read: "}
import-file-formats = File formats
import-flag = Flag
import-import = Import
import-import-from-the-dms = Import from the DMS
import-import-the-parts-catalogue-stock-or = Import the parts catalogue, stock or service history (CSV files). Every row is checked first; when a row is bad nothing is written, unless “skip bad rows” is ticked. Importing the same file again changes nothing. The parts catalogue is shared by every dealer group: only the platform catalogue admin imports it; group admins import their group’s stock and service history.
import-imported = Imported
import-in-all = in all
import-kind = Kind
import-meaning = Meaning
import-more-not-listed = more not listed.
import-no = no
import-old-new = Old → new
import-part-number = Part number
import-parts-catalogue-i-have-checked-and = Parts catalogue: I have checked and confirm removing the dangerous-goods or monitored flags listed (audited)
import-reason = Reason
import-required = Required
import-row = Row
import-skip-bad-rows-import-the-rest = Skip bad rows, import the rest
import-the-file-removes-the-dangerous-goods = The file removes the dangerous-goods or monitored flags of the parts below: nothing was written. Check them; if they are right, tick the confirmation above and upload the file again.
import-unknown-columns-ignored = {"Unknown columns, ignored: "}
import-yes = yes
import-problem-count = { $problems ->
        [one] 1 problem
       *[other] { $problems } problems
    } in { $rows ->
        [one] 1 row
       *[other] { $rows } rows
    }
import-first-listed = ; the first { $listed } are listed

# The file formats table: what goes in each column (src/import/parts.rs, stock.rs, history.rs)
import-help-parts-part-no = Part number, unique
import-help-parts-name-zh = Chinese name
import-help-parts-name-en = English name, may be empty
import-help-parts-category = Category, e.g. electrical
import-help-parts-price-yuan = Unit price in yuan, e.g. 1234.50
import-help-parts-weight-g = Weight in grams
import-help-parts-dangerous-goods = Dangerous goods: yes/no
import-help-parts-un-number = Required for dangerous goods: UN and four digits
import-help-parts-monitored = Monitored part (keys, immobilisers, ECUs): yes/no
import-help-stock-dealer-code = Dealer code, e.g. hz
import-help-stock-part-no = Part number, must be in the catalogue
import-help-stock-on-hand = Units on hand, never below those reserved
import-help-stock-bin = Bin location, may be empty
import-help-history-plate = Plate of a registered vehicle
import-help-history-vin = VIN, may be empty; must match the record when given
import-help-history-visited-at = Visit time (China time), e.g. 2025-03-14 09:30
import-help-history-mileage-km = Odometer in km
import-help-history-kind = maintenance, repair, rescue or warranty (the Chinese words are accepted too)
import-help-history-summary = What was done
import-help-history-dealer-code = Code of the dealer visited
import-help-history-part-no = Replaced part number, may be empty; one row per part
import-help-history-part-name = Part name, used when the part is not in the catalogue
import-help-history-quantity = Quantity replaced, required with a part number

# Import kinds
import-kind-parts = Parts catalogue
import-kind-stock = Stock
import-kind-history = Service history

# Upload messages
import-file-over-the-limit = The file is over the limit: split it, or use the command line, rescuedesk import
import-choose-a-csv-file = Choose a CSV file to upload
