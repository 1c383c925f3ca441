# Error messages of the API and the pages.
error-fields-to-correct = { $count ->
        [one] 1 field needs correcting
       *[other] { $count } fields need correcting
    }
error-plan-version-stale = The plan is now v{ $current } (you saw v{ $asked }); reload
form-correct-marked-fields = Please correct the marked fields
form-correct-marked-fields-count = Please correct the marked fields ({ $count })
