# 导入报告：行与单元格的问题（src/import/report.rs），报告的文字行，导入服务的错误。

import-report-required = 必填
import-report-too-long = 最多 { $max } 个字
import-report-control-characters = 含有控制字符
import-report-not-a-whole-number = 应为整数，而不是“{ $value }”
import-report-out-of-range = 应在 { $min } 到 { $max } 之间
import-report-not-yes-no = 应为 是/否（true/false、1/0），而不是“{ $value }”
import-report-un-number-invalid = UN 编号应为 UN 加四位数字，例如 UN3268，而不是“{ $value }”
import-report-date-invalid = 日期格式应为 2025-03-14 或 2025-03-14 09:30，而不是“{ $value }”
import-report-visit-kind-invalid = 应为 maintenance/repair/rescue/warranty 或 保养/维修/救援/保修，而不是“{ $value }”
import-report-visit-in-future = 进厂时间不能晚于现在
import-report-quantity-without-part = 有数量但没有配件号
import-report-un-number-missing = 危险品须填写 UN 编号，例如 UN3268
import-report-un-number-not-dangerous = 非危险品不应有 UN 编号（或将 dangerous_goods 设为是）
import-report-file-unreadable = 文件读取失败：{ $detail }
import-report-encoding-invalid = 文件读取失败：文件中有 { $encoding } 编码无法识别的字节
import-report-header-unreadable = 无法读取表头：{ $detail }
import-report-file-empty = 文件为空，第一行须为表头
import-report-header-name-too-long = 表头的列名超过 { $max } 字节：这不像 DMS 导出的文件（是否缺少换行？）
import-report-line-too-long = 有一行超过 { $max } KiB：这不像 DMS 导出的文件，其后的内容未读取
import-report-too-many-columns = 表头有 { $found } 列，最多 { $max } 列：这不像 DMS 导出的文件
import-report-not-utf8 = 此处不是有效的 UTF-8（文件开头按 UTF-8 读取）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”
import-report-column-repeated = 列重复：{ $name }
import-report-column-missing = 缺少列 { $name }
import-report-repeats-row = 与第 { $first } 行重复
import-report-dealer-unknown = 没有门店代码“{ $code }”
import-report-dealer-not-in-group = 本集团没有门店代码“{ $code }”
import-report-part-unknown = 配件目录中没有“{ $part_no }”，请先导入配件
import-report-below-reserved = 在库数 { $on_hand } 低于救援方案已预留的 { $reserved } 件，请先处理预留
import-report-vehicle-unknown = 没有车牌为“{ $plate }”的登记车辆
import-report-vin-mismatch = 与该车登记的车架号 { $stored } 不符
import-report-differs-from-visit = 与第 { $first } 行（同一次进厂）不一致

# 报告的文字行（命令行）与计数
import-report-encoding-line = 文件编码：{ $encoding }
import-report-unknown-column-line = 第 1 行，{ $column }：未知列，已忽略
import-report-more-columns = 另有 { $count } 个未知列未列出
import-report-problem-line = 第 { $row } 行，{ $column }：{ $reason }
import-report-problem-total = 共 { $problems } 处错误，涉及 { $rows } 行
import-report-first-listed = ，仅列出前 { $listed }
import-report-downgrade-line = 第 { $row } 行，{ $part_no } { $field }：{ $old } → { $new }（取消安全标记）
import-report-more-downgrades = 另有 { $count } 处取消安全标记未列出
import-report-summary = 读取 { $rows } 行：新增 { $inserted }，更新 { $updated }，未变 { $unchanged }，跳过 { $skipped }
import-report-not-written = （未写入）
import-report-verdict-confirmed = 已写入，取消安全标记已确认并记入审计
import-report-verdict-written = 已写入
import-report-verdict-bad-rows = 有错误行，未写入任何数据（可用 --skip-bad 跳过错误行）
import-report-verdict-downgrades = 文件会取消配件的危险品或监控件标记，未写入任何数据；核实后用 --confirm-downgrades 确认
import-report-verdict-nothing = 无需写入

# API 的拒绝说明与导入服务的错误
import-report-refused-bad-rows = { $count } 行有误，未写入任何数据
import-report-refused-downgrades = 文件会取消 { $count } 处危险品或监控件标记，未写入任何数据；核实后以 confirm_downgrades=true 确认
import-report-part-changed = 导入期间配件 { $part_no } 被其他操作修改，未写入任何数据，请重新导入
import-report-history-changed = 导入期间维修记录被其他操作修改，未写入任何数据，请重新导入
import-report-catalogue-changed = 导入期间配件目录被其他操作修改，未写入任何数据，请重新导入
import-report-stock-changed = 导入期间库存被其他操作修改，未写入任何数据，请重新导入
import-report-form-unreadable = 上传的表单无法读取：{ $detail }
import-busy = 其他导入正在进行（每台服务器同时最多 { $max } 个），请稍等一分钟再试。
