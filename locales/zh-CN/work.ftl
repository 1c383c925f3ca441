# 页面 work.html

work-nothing-waiting = 没有待处理的救援单。
work-plan-amount = 方案金额
work-waiting = 已等待
work-approve-version = 批准第 { $version } 版
