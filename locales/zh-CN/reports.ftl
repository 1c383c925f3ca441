# The monthly report (services::reports).
rep-outcome-resolved = 现场修复
rep-outcome-towed = 拖回店内
rep-outcome-cancelled = 已取消
rep-outcome-open = 处理中
rep-month-invalid = 月份格式为 2026-11
rep-date-invalid = 日期格式为 2026-11-01
rep-month-or-range = 请给出月份，或起止日期（二选一）
rep-range-backwards = 结束日期早于开始日期
rep-range-too-long = 报表最长 { $days } 天
rep-action-view = 查看月度报表
rep-scope-invalid = 范围只能是 dealer（本店）或 group（集团）
rep-csv-section = 分类
rep-csv-level = 响应级别
rep-csv-stage = 环节
rep-csv-measure = 指标
rep-csv-value = 数值
