# 页面 job.html

job-acknowledge = 确认接单
job-arrived = 已到达现场
job-confirm-the-fault-is-fixed-and = 确认故障已排除、救援完成？
job-depart = 出发
job-eta = 预计
job-fault-does-not-match = 故障与方案不符
job-navigate-amap = 导航（高德）
job-parts-following-you = 配件随后送到
job-plan = 方案
job-resolved = 已解决
job-tow-note = 拖车说明
job-tow-to-workshop = 拖回维修
job-used = 实际使用
job-what-you-found-does-not-match = 现场实际故障（与方案不符）
job-work-done-required = 处理情况（必填）
