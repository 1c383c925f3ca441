# 页面 plan_editor.html

plan-add-item = ＋ 添加项目
plan-busy = 忙
plan-crew-tick-technicians-pick-one-rescue = 救援组（勾选技师，并指定一名救援负责人）
plan-distance-km-one-way-empty-estimate = 路程（公里，单程；空 = 按地图估算）
plan-e-g-battery-5q0-915 = 例：蓄电池、5Q0 915
plan-estimated-repair-time-min = 预计维修时间（分钟）
plan-item = 项目
plan-labour-min = 工时（分钟）
plan-lead = 负责人
plan-on-crew = 参加
plan-owned = 本店
plan-rate-h-empty-default = 费率（元/小时，空=默认）
plan-rescue-plan = 救援方案
plan-save-and-submit-version = 保存并提交第
plan-save-plan = 保存方案
plan-search-part-number-or-name = 搜索配件号或名称
plan-skills = 技能
plan-special-notes-items-to-explain-to = 特别说明（需向服务经理解释的特殊项目）
plan-technician = 技师
plan-time-distance-and-notes = 时间、路程与说明
plan-to-the-service-manager = {" 版给服务经理"}
plan-field-crew = 救援组
plan-field-tools = 工具
plan-field-parts = 配件
plan-field-items = 维修项目
plan-field-estimated-minutes = 预计维修时间
plan-field-travel-km = 路程
plan-field-special-notes = 注意事项
plan-field-version = 方案版本
plan-field-line = 第 { $line } 行
plan-editor-flag-dangerous = 危险品
plan-editor-flag-monitored = 监控件
plan-editor-plan-saved = 方案已保存
plan-editor-new-plan = 新方案（第 1 版）
plan-editor-draft-version = 草稿 第 { $version } 版
plan-editor-saving-makes-version = 保存后将成为第 { $version } 版，之前的确认与审批作废
plan-editor-enter-whole-number = 请输入整数
plan-editor-enter-whole-minutes = 请输入整数分钟
plan-editor-enter-kilometres = 请输入公里数
