# 页面 part_results.html

part-results-add = 加入
part-results-arrival = 到达
part-results-must-be-sourced-earliest = 需调货，最早
part-results-no-parts-found = 没有找到配件
part-results-type-at-least-2-characters-of = 输入至少 2 个字搜索配件号或名称
