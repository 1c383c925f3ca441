# Texts of every page: the frame, errors of the pages themselves
web-form-expired = 表单已过期，请刷新页面后重试
web-back-to-my-jobs = 返回我的派工单
web-back-to-the-imports = 返回数据导入
web-back-to-the-ticket-list = 返回救援单列表
web-enter-whole-number = 请输入整数
web-duration-days = { $days } 天 { $hours } 小时
web-duration = { $hours ->
    [0] { $minutes } 分钟
   *[other] { $minutes ->
        [0] { $hours } 小时
       *[other] { $hours } 小时 { $minutes } 分钟
    }
}
new-ticket-level-option = { $level } · { $within }内响应
