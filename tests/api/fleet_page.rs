//! The rescue vehicles page over HTTP (车辆, issue 16): a technician records a check on the
//! phone (a failure needs a note, a refused one stores nothing and keeps the answers), the desk
//! sees the vehicles but may not check them, a foreign or unknown vehicle is the 404 page, and the
//! workshop lead registers vehicles with field messages on the form.

use reqwest::header::LOCATION;
use serde_json::json;

use crate::both;
use crate::helpers::{page_text, Backend, TestApp};
use crate::pages::{csrf_of, signed_in};

/// A vehicle of hz registered over the API; its id.
async fn registered(app: &TestApp, plate: &str) -> String {
    let (status, v) = app
        .post(
            &app.token("hz.workshop"),
            "/api/v1/rescue-vehicles",
            &json!({"plate": plate, "kind": "service_van", "carries": ["tool_kit", "jump_pack"], "base": "城北站"}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

/// GET with its status and body.
async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// POST a form (the session's CSRF token added) with its status, `Location` and body.
async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let csrf = csrf_of(&page_text(client, app, "/vehicles").await);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    let res = client.post(app.url(path)).form(&form).send().await.unwrap();
    let status = res.status().as_u16();
    let to = res
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, to, res.text().await.unwrap())
}

/// The `<li>` card of the vehicle with this id on the list page.
fn card<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!("data-vehicle=\"{id}\""))
        .unwrap_or_else(|| panic!("no card of {id} in {page}"));
    let end = page[at..].find("</li>").map_or(page.len(), |e| at + e);
    &page[at..end]
}

fn count_of(page: &str, testid: &str) -> u32 {
    let tag = format!("data-testid=\"{testid}\">");
    let at = page.find(&tag).unwrap_or_else(|| panic!("{testid}")) + tag.len();
    page[at..].split('<').next().unwrap().parse().unwrap()
}

const ALL_PASS: [(&str, &str); 5] = [
    ("fuel", "pass"),
    ("water", "pass"),
    ("tyre_pressure", "pass"),
    ("tool_kit", "pass"),
    ("lights", "pass"),
];

fn with_tyres_failed() -> Vec<(&'static str, &'static str)> {
    let mut f: Vec<_> = ALL_PASS.to_vec();
    f[2] = ("tyre_pressure", "fail");
    f
}

both!(
    a_technician_records_a_check_on_the_phone_and_a_failure_needs_a_note,
    technician_body
);
async fn technician_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = registered(&app, "浙A·J1234").await;
    let tech = signed_in(&app, "hz.tech").await;

    let (status, list) = get(&tech, &app, "/vehicles").await;
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("id=\"nav-vehicles\""), "车辆 in the nav");
    let c = card(&list, &id);
    assert!(
        c.contains("浙AJ1234") && c.contains("服务车") && c.contains("城北站"),
        "{c}"
    );
    assert!(
        c.contains("工具箱、搭电宝"),
        "what it carries, in words: {c}"
    );
    assert!(
        c.contains("data-readiness=\"never_checked\"") && c.contains("从未检查"),
        "{c}"
    );
    assert!(c.contains(&format!("href=\"/vehicles/{id}/check\"")), "{c}");
    assert!(
        !list.contains("id=\"fleet-register\""),
        "a technician registers no vehicles"
    );
    assert_eq!(
        (
            count_of(&list, "fleet-ready"),
            count_of(&list, "fleet-not-ready")
        ),
        (0, 1)
    );

    let (status, form) = get(&tech, &app, &format!("/vehicles/{id}/check")).await;
    assert_eq!(status, 200, "{form}");
    for item in ["fuel", "water", "tyre_pressure", "tool_kit", "lights"] {
        assert!(
            form.contains(&format!("name=\"{item}\" value=\"pass\"")),
            "{item}"
        );
        assert!(
            form.contains(&format!("name=\"{item}\" value=\"fail\"")),
            "{item}"
        );
    }
    assert!(form.contains("value=\"daily\" checked") && form.contains("value=\"holiday\""));

    // Everything passed: back to the list, ready, with who checked.
    let path = format!("/vehicles/{id}/check");
    let (status, to, _) = post(&tech, &app, &path, &ALL_PASS).await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("/vehicles?checked={id}").as_str())
    );
    let list = page_text(&tech, &app, &to).await;
    assert!(list.contains("浙AJ1234 检查已记录：可出车。"), "{list}");
    let c = card(&list, &id);
    assert!(
        c.contains("data-readiness=\"ready\"") && c.contains("可出车"),
        "{c}"
    );
    assert!(
        c.contains("杭州tech · "),
        "the checker by name, then the local time: {c}"
    );
    assert_eq!(
        (
            count_of(&list, "fleet-ready"),
            count_of(&list, "fleet-not-ready")
        ),
        (1, 0)
    );
    let checks = app.count("vehicle_checks");

    // A failed item without a note: the message by the note, the answers kept, nothing stored.
    let (status, _, page) = post(&tech, &app, &path, &with_tyres_failed()).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("data-field=\"note\">有检查项未通过，请写明问题"),
        "{page}"
    );
    assert!(
        page.contains("id=\"tyre_pressure-fail\" name=\"tyre_pressure\" value=\"fail\" checked"),
        "{page}"
    );
    assert!(
        page.contains("id=\"fuel-pass\" name=\"fuel\" value=\"pass\" checked"),
        "{page}"
    );
    assert_eq!(
        app.count("vehicle_checks"),
        checks,
        "a refused check stores nothing"
    );
    // An item left unanswered is named on its own.
    let (status, _, page) = post(&tech, &app, &path, &ALL_PASS[..4]).await;
    assert_eq!(status, 400);
    assert!(page.contains("data-field=\"lights\">请逐项确认"), "{page}");
    assert_eq!(app.count("vehicle_checks"), checks);

    // With the note, before a holiday: stored, and the vehicle is not ready on the page.
    let mut fields = with_tyres_failed();
    fields.push(("note", "左前胎气压低"));
    fields.push(("occasion", "holiday"));
    let (status, to, _) = post(&tech, &app, &path, &fields).await;
    assert_eq!(status, 303);
    assert_eq!(app.count("vehicle_checks"), checks + 1);
    let list = page_text(&tech, &app, &to).await;
    assert!(list.contains("检查通过前不可出车"), "{list}");
    let c = card(&list, &id);
    assert!(
        c.contains("data-readiness=\"check_failed\"") && c.contains("检查未通过"),
        "{c}"
    );
    assert!(c.contains("左前胎气压低"), "the note: {c}");
    assert!(c.contains("未通过项：胎压"), "which item failed: {c}");
    assert!(
        c.contains("节前检查"),
        "the occasion, when not the daily one: {c}"
    );
    assert_eq!(
        (
            count_of(&list, "fleet-ready"),
            count_of(&list, "fleet-not-ready")
        ),
        (0, 1)
    );
    // The API says the same.
    let (_, l) = app
        .get_json(&app.token("hz.agent"), "/api/v1/rescue-vehicles")
        .await;
    assert_eq!(l["vehicles"][0]["readiness"], "check_failed", "{l}");
}

both!(
    the_desk_sees_the_vehicles_but_checks_none_and_a_foreign_vehicle_is_not_found,
    refusals_body
);
async fn refusals_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = registered(&app, "浙A·J1234").await;
    let path = format!("/vehicles/{id}/check");

    let agent = signed_in(&app, "hz.agent").await;
    let (status, list) = get(&agent, &app, "/vehicles").await;
    assert_eq!(status, 200, "the desk sees the vehicles");
    assert!(list.contains("id=\"nav-vehicles\""));
    assert!(
        !list.contains("data-testid=\"check-vehicle\""),
        "no check button for the desk"
    );
    assert!(!list.contains("id=\"fleet-register\""));
    let (status, page) = get(&agent, &app, &path).await;
    assert_eq!(status, 403, "{page}");
    assert!(
        page.contains("data-error-code=\"forbidden\"") && page.contains("记录车辆检查"),
        "{page}"
    );
    assert!(
        page.contains("id=\"nav-vehicles\""),
        "the refusal keeps the user's frame"
    );
    let checks = app.count("vehicle_checks");
    let (status, _, page) = post(&agent, &app, &path, &ALL_PASS).await;
    assert_eq!(status, 403, "{page}");
    assert_eq!(app.count("vehicle_checks"), checks);

    // The parts desk has no say in vehicles: no link, no page.
    let parts = signed_in(&app, "hz.parts").await;
    let (status, page) = get(&parts, &app, "/vehicles").await;
    assert_eq!(status, 403);
    assert!(!page.contains("id=\"nav-vehicles\""));

    // An unknown id, a malformed one, and a vehicle of the sister dealer: the 404 page.
    let tech = signed_in(&app, "hz.tech").await;
    for missing in [
        "/vehicles/0194a2b3-0c1d-7e8f-9a0b-1c2d3e4f5a6b/check".to_owned(),
        "/vehicles/not-an-id/check".into(),
    ] {
        let (status, page) = get(&tech, &app, &missing).await;
        assert_eq!(status, 404, "{missing}: {page}");
        assert!(
            page.contains("data-error-code=\"not_found\"") && page.contains("找不到该救援车辆"),
            "{page}"
        );
        let (status, _, _) = post(&tech, &app, &missing, &ALL_PASS).await;
        assert_eq!(status, 404, "POST {missing}");
    }
    let sister = signed_in(&app, "nb.tech").await;
    let (status, _) = get(&sister, &app, &path).await;
    assert_eq!(status, 404);
    let (status, _, _) = post(&sister, &app, &path, &ALL_PASS).await;
    assert_eq!(status, 404);
    assert_eq!(app.count("vehicle_checks"), checks);
    let (status, list) = get(&sister, &app, "/vehicles").await;
    assert_eq!(status, 200);
    assert!(
        !list.contains(&id),
        "another dealer's vehicles are not listed"
    );
    assert!(
        list.contains("data-testid=\"fleet-empty\""),
        "the empty state: {list}"
    );
}

both!(
    the_workshop_lead_registers_vehicles_with_messages_on_the_form,
    register_body
);
async fn register_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let lead = signed_in(&app, "hz.workshop").await;
    let (status, list) = get(&lead, &app, "/vehicles").await;
    assert_eq!(status, 200);
    assert!(list.contains("id=\"fleet-register\""), "{list}");
    assert!(
        list.contains("data-testid=\"fleet-empty\"") && list.contains("请用下面的表格登记第一辆")
    );

    // An empty plate, then a bad one: the message on the plate, the rest as typed.
    let typed = |plate: &'static str| {
        vec![
            ("plate", plate),
            ("kind", "tow_truck"),
            ("carries", "tool_kit"),
            ("carries", "tyre_kit"),
            ("base", "城南站"),
        ]
    };
    for plate in ["", "ABC"] {
        let (status, _, page) = post(&lead, &app, "/vehicles", &typed(plate)).await;
        assert_eq!(status, 400, "{plate}: {page}");
        assert!(page.contains("data-field=\"plate\""), "{plate}: {page}");
        assert!(
            page.contains(&format!("name=\"plate\" value=\"{plate}\"")),
            "{page}"
        );
        assert!(
            page.contains("value=\"tow_truck\" checked"),
            "the kind kept: {page}"
        );
        assert!(
            page.contains("value=\"tool_kit\" checked")
                && page.contains("value=\"tyre_kit\" checked")
        );
        assert!(!page.contains("value=\"jump_pack\" checked"));
        assert!(page.contains("name=\"base\" value=\"城南站\""));
        assert!(
            !page.contains("data-field=\"base\""),
            "only the plate is wrong"
        );
    }
    let (status, _, page) = post(&lead, &app, "/vehicles", &[("plate", "浙A12345")]).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("data-field=\"kind\"") && page.contains("data-field=\"base\""),
        "{page}"
    );
    assert_eq!(app.count("rescue_vehicles"), 0);

    let (status, to, _) = post(&lead, &app, "/vehicles", &typed("浙A·T2001")).await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/vehicles?registered="), "{to}");
    let list = page_text(&lead, &app, &to).await;
    assert!(list.contains("已登记救援车辆 浙AT2001。"), "{list}");
    let id = to.trim_start_matches("/vehicles?registered=");
    let c = card(&list, id);
    assert!(
        c.contains("拖车 · 城南站") && c.contains("工具箱、补胎工具"),
        "{c}"
    );
    assert!(c.contains("data-readiness=\"never_checked\""));
    assert!(
        c.contains("data-testid=\"check-vehicle\""),
        "the workshop lead checks too"
    );

    // The same plate again, spelt otherwise: the conflict on the plate field.
    let (status, _, page) = post(&lead, &app, "/vehicles", &typed("浙at2001")).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("data-field=\"plate\">本店已登记了这个车牌的救援车辆。"),
        "{page}"
    );
    assert!(page.contains("name=\"plate\" value=\"浙at2001\""));
    assert_eq!(app.count("rescue_vehicles"), 1);

    // A technician sees no form, and a post of theirs is refused.
    let tech = signed_in(&app, "hz.tech").await;
    let (_, list) = get(&tech, &app, "/vehicles").await;
    assert!(!list.contains("id=\"fleet-register\""));
    let (status, _, page) = post(&tech, &app, "/vehicles", &typed("浙A·J9999")).await;
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("data-error-code=\"forbidden\"") && page.contains("登记救援车辆"));
    assert_eq!(app.count("rescue_vehicles"), 1);
}
