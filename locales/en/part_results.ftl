# Page part_results.html

part-results-add = Add
part-results-arrival = arrival
part-results-must-be-sourced-earliest = must be sourced, earliest
part-results-no-parts-found = No parts found
part-results-type-at-least-2-characters-of = Type at least 2 characters of a part number or name
