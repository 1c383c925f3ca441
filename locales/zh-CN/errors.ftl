# 接口与页面的错误信息。
error-fields-to-correct = 有 { $count } 项填写有误
error-plan-version-stale = 方案已更新为第 { $current } 版（您看到的是第 { $asked } 版），请刷新
form-correct-marked-fields = 请更正标红的项目
form-correct-marked-fields-count = 请更正标红的项目（{ $count }）
