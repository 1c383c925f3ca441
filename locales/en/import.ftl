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
