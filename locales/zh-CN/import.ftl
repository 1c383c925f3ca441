# 页面 import.html

import-also-accepted = 也可写作
import-and = 另有
import-and-more = 等，共
import-bad-rows-nothing-was-written-correct = 有错误行，未写入任何数据。请修正后重新导入，或勾选“跳过错误行”。
import-bad-rows-skipped = ，错误行已跳过
import-column = 列
import-csv-file-utf-8-or-gbk = CSV 文件（UTF-8 或 GBK，最大
import-csv-in-utf-8-a-bom = CSV 文件，UTF-8（可带 BOM）、带 BOM 的 UTF-16，或 Excel 在中文 Windows 上保存的 GBK/GB18030，编码自动识别并在结果中注明。第一行为表头（最多 200 列），列按名称识别、顺序不限，可用中文列名。行号按表格计：表头为第 1 行。导入只新增或更新，从不删除。结果列出前 1000 处错误，并给出总数。
import-dangerous-goods = 危险品
import-encoding-read = 文件编码：
import-file-formats = 文件格式
import-flag = 标记
import-import = 导入
import-import-from-the-dms = 从 DMS 导入数据
import-import-the-parts-catalogue-stock-or = 导入配件目录、库存或维修保养记录（CSV 文件）。先检查每一行，有错误行时不写入任何数据，除非勾选“跳过错误行”。同一文件重复导入不会产生变化。配件目录由各经销商集团共用，只有平台配件目录管理员可以导入；库存和维修记录由本集团管理员导入。
import-imported = 已导入
import-in-all = 列
import-kind = 类型
import-meaning = 说明
import-more-not-listed = 处未列出。
import-no = 否
import-old-new = 原 → 新
import-part-number = 配件号
import-parts-catalogue-i-have-checked-and = 配件目录：我已核实，确认取消所列配件的危险品或监控件标记（记入审计）
import-reason = 原因
import-required = 必需
import-row = 行
import-skip-bad-rows-import-the-rest = 跳过错误行，导入其余行
import-the-file-removes-the-dangerous-goods = 文件会取消下列配件的危险品或监控件标记，未写入任何数据。请核实；如确需取消，勾选上方的确认框后重新上传。
import-unknown-columns-ignored = 未知列，已忽略：
import-yes = 是
import-problem-count = 共 { $problems } 处错误，涉及 { $rows } 行
import-first-listed = ；仅列出前 { $listed } 处

# 文件格式表：每列的说明（src/import/parts.rs、stock.rs、history.rs）
import-help-parts-part-no = 配件号，唯一
import-help-parts-name-zh = 中文名称
import-help-parts-name-en = 英文名称，可空
import-help-parts-category = 类别，例如 electrical
import-help-parts-price-yuan = 单价（元），例如 1234.50
import-help-parts-weight-g = 重量（克）
import-help-parts-dangerous-goods = 是否危险品：是/否、true/false、1/0
import-help-parts-un-number = 危险品必填，UN 加四位数字，例如 UN3268
import-help-parts-monitored = 是否监控件（钥匙、防盗、ECU）：是/否
import-help-stock-dealer-code = 门店代码，例如 hz
import-help-stock-part-no = 配件号，须已在配件目录中
import-help-stock-on-hand = 在库数量，不得低于已预留数
import-help-stock-bin = 库位，可空
import-help-history-plate = 车牌号，车辆须已登记
import-help-history-vin = 车架号，可空；填写时须与登记一致
import-help-history-visited-at = 进厂时间（北京时间），例如 2025-03-14 09:30
import-help-history-mileage-km = 里程（公里）
import-help-history-kind = maintenance 保养、repair 维修、rescue 救援、warranty 保修
import-help-history-summary = 维修内容
import-help-history-dealer-code = 进厂门店代码
import-help-history-part-no = 更换的配件号，可空；每个配件一行
import-help-history-part-name = 配件名称，配件不在目录中时使用
import-help-history-quantity = 更换数量，有配件号时必填

# 导入类型
import-kind-parts = 配件目录
import-kind-stock = 库存
import-kind-history = 维修保养记录

# 上传的提示
import-file-over-the-limit = 文件超过上限，请拆分后分批导入，或使用命令行 rescuedesk import
import-choose-a-csv-file = 请选择要上传的 CSV 文件
