# 响应承诺（计时）：阶段、状态、暂停原因、审计记录与错误。

promise-stage-response-started = 启动响应（方案提交）
promise-stage-approved = 总监批准
promise-stage-departed = 出发
promise-stage-on-site = 到达现场
promise-stage-resolved = 解决

promise-state-on-time = 按时
promise-state-warning = 即将超时
promise-state-breached = 已超时

promise-reason-consent-call-unanswered = 确认电话无人接听
promise-reason-customer-asked-to-wait = 客户要求等待
promise-reason-customer-unreachable = 联系不上客户
promise-reason-other = 其他

promise-audit-clock-paused = 暂停计时
promise-audit-clock-resumed = 恢复计时

promise-already-paused = 此救援单的计时已暂停，请先恢复计时。
promise-not-paused = 此救援单的计时没有暂停。
promise-pause-disabled = 配置不允许暂停计时。
promise-reason-invalid = 暂停原因应为 consent_call_unanswered、customer_asked_to_wait、customer_unreachable 或 other。
promise-note-required = 原因为“其他”时请写明说明。
promise-rescue-over = 救援已结束，没有在走的计时。
