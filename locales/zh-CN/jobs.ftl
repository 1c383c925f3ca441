# 页面 jobs.html

jobs-no-rescue-assigned-to-you-right = 目前没有派给您的救援。
jobs-your-sign-in-is-not-linked = 您的账号未关联技师档案，请联系管理员。
