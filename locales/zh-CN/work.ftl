# 页面 work.html

work-nothing-waiting = 没有待处理的救援单。
work-plan-amount = 方案金额
work-waiting = 已等待
work-approve-version = 批准第 { $version } 版
work-queue-new = 刚登记、待制定方案
work-queue-planning = 待制定方案
work-queue-review = 审核队列
work-queue-consent = 待联系客户确认
work-queue-close = 待关闭
work-queue-approval = 审批收件箱
work-queue-parts = 待领料 / 配件跟踪
work-queue-open = 全部未结救援单
