//! Diesel table definitions, written to match both migration folders.
// Kept by hand (not `diesel print-schema`) because one file must serve SQLite and
// PostgreSQL; the migrations-parity test checks the two stay identical.

diesel::table! {
    dealer_groups (id) {
        id -> Text,
        name -> Text,
        brand -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    dealers (id) {
        id -> Text,
        group_id -> Text,
        code -> Text,
        name -> Text,
        city -> Text,
        address -> Text,
        phone -> Text,
        lat -> Double,
        lon -> Double,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        login -> Text,
        name -> Text,
        phone -> Text,
        email -> Text,
        dealer_id -> Text,
        password_hash -> Text,
        locale -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        id_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
        user_agent -> Text,
        client_ip -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        label -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    technicians (id) {
        id -> Text,
        dealer_id -> Text,
        user_id -> Nullable<Text>,
        name -> Text,
        phone -> Text,
        email -> Text,
        notify_via -> Text,
        grade -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    technician_skills (technician_id, skill) {
        technician_id -> Text,
        skill -> Text,
    }
}

diesel::table! {
    rota_shifts (id) {
        id -> Text,
        dealer_id -> Text,
        technician_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        weekday -> Nullable<Integer>,
        on_date -> Nullable<Text>,
        start_min -> Integer,
        end_min -> Integer,
        kind -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rota_holidays (dealer_id, on_date) {
        dealer_id -> Text,
        on_date -> Text,
        name_zh -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    tools (id) {
        id -> Text,
        dealer_id -> Text,
        code -> Text,
        name_zh -> Text,
        name_en -> Text,
        quantity -> Integer,
    }
}

diesel::table! {
    parts (id) {
        id -> Text,
        part_no -> Text,
        name_zh -> Text,
        name_en -> Text,
        category -> Text,
        price_fen -> BigInt,
        weight_g -> Integer,
        dangerous_goods -> Bool,
        un_number -> Nullable<Text>,
        monitored -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stock (dealer_id, part_id) {
        dealer_id -> Text,
        part_id -> Text,
        on_hand -> Integer,
        reserved -> Integer,
        bin -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        name -> Text,
        phone -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vehicles (id) {
        id -> Text,
        plate -> Text,
        vin -> Nullable<Text>,
        model -> Text,
        model_year -> Integer,
        customer_id -> Text,
        dealer_id -> Text,
        mileage_km -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_visits (id) {
        id -> Text,
        vehicle_id -> Text,
        dealer_id -> Text,
        visited_at -> Timestamp,
        mileage_km -> Integer,
        kind -> Text,
        summary -> Text,
    }
}

diesel::table! {
    service_visit_parts (id) {
        id -> Text,
        visit_id -> Text,
        part_id -> Nullable<Text>,
        part_no -> Text,
        name -> Text,
        quantity -> Integer,
    }
}

diesel::table! {
    ticket_counters (dealer_id, day) {
        dealer_id -> Text,
        day -> Text,
        last_seq -> Integer,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        dealer_id -> Text,
        number -> Text,
        status -> Text,
        call_time -> Timestamp,
        customer_name -> Text,
        phone -> Text,
        address -> Text,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        source_crs -> Text,
        plate -> Text,
        model -> Text,
        vin -> Nullable<Text>,
        mileage_km -> Integer,
        fault -> Text,
        repaired_elsewhere -> Bool,
        repaired_elsewhere_note -> Nullable<Text>,
        response_level -> Integer,
        vehicle_id -> Nullable<Text>,
        customer_id -> Nullable<Text>,
        created_by -> Text,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        expected_arrival_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        crew_on_site -> Bool,
        location_pending -> Bool,
    }
}

diesel::table! {
    plans (id) {
        id -> Text,
        ticket_id -> Text,
        version -> Integer,
        status -> Text,
        estimated_minutes -> Integer,
        travel_km -> Double,
        special_notes -> Text,
        parts_fen -> BigInt,
        labour_fen -> BigInt,
        travel_fen -> BigInt,
        total_fen -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    plan_crew (plan_id, technician_id) {
        plan_id -> Text,
        technician_id -> Text,
        is_lead -> Bool,
    }
}

diesel::table! {
    plan_tools (plan_id, tool_id) {
        plan_id -> Text,
        tool_id -> Text,
        quantity -> Integer,
    }
}

diesel::table! {
    plan_parts (id) {
        id -> Text,
        plan_id -> Text,
        part_id -> Text,
        quantity -> Integer,
        unit_price_fen -> BigInt,
        reserved -> Integer,
    }
}

diesel::table! {
    plan_items (id) {
        id -> Text,
        plan_id -> Text,
        position -> Integer,
        description -> Text,
        labour_minutes -> Integer,
        rate_fen_per_hour -> BigInt,
    }
}

diesel::table! {
    approvals (id) {
        id -> Text,
        ticket_id -> Text,
        plan_id -> Text,
        step -> Text,
        decision -> Text,
        actor_id -> Text,
        reason -> Nullable<Text>,
        told_values -> Nullable<Text>,
        created_at -> Timestamp,
        voided_at -> Nullable<Timestamp>,
        void_reason -> Nullable<Text>,
    }
}

diesel::table! {
    part_issues (id) {
        id -> Text,
        ticket_id -> Text,
        plan_id -> Text,
        part_id -> Text,
        dealer_id -> Text,
        quantity -> Integer,
        issued_by -> Text,
        received_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sourcing_orders (id) {
        id -> Text,
        ticket_id -> Text,
        plan_part_id -> Text,
        part_id -> Text,
        quantity -> Integer,
        kind -> Text,
        source_dealer_id -> Nullable<Text>,
        mode -> Text,
        status -> Text,
        cost_fen -> BigInt,
        eta -> Nullable<Timestamp>,
        carrier -> Nullable<Text>,
        tracking_no -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        review_note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        destination -> Text,
        placed_at -> Nullable<Timestamp>,
        shipped_at -> Nullable<Timestamp>,
        received_at -> Nullable<Timestamp>,
        received_by -> Nullable<Text>,
        consumed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        held_at -> Nullable<Timestamp>,
        hold_reason -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        recipient -> Text,
        locale -> Text,
        template -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        idempotency_key -> Text,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        params -> Text,
        provider_id -> Nullable<Text>,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    links (code) {
        code -> Text,
        ticket_id -> Text,
        person -> Text,
        scope -> Text,
        nonce -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        plan_version -> Nullable<Integer>,
    }
}

diesel::table! {
    location_shares (id) {
        id -> Text,
        ticket_id -> Text,
        lat -> Double,
        lon -> Double,
        accuracy_m -> Nullable<Double>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_pauses (id) {
        id -> Text,
        ticket_id -> Text,
        started_at -> Timestamp,
        started_by -> Text,
        reason -> Text,
        note -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<Text>,
    }
}

diesel::table! {
    sla_alerts (id) {
        id -> Text,
        ticket_id -> Text,
        stage -> Text,
        kind -> Text,
        created_at -> Timestamp,
        deadline -> Nullable<Timestamp>,
        response_level -> Nullable<Integer>,
    }
}

// The promise tables join only their ticket and the user who paused; kept apart from the list
// below so other tables can be added there without touching these lines.
diesel::joinable!(ticket_pauses -> tickets (ticket_id));
diesel::joinable!(ticket_pauses -> users (started_by));
diesel::joinable!(sla_alerts -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(ticket_pauses, tickets);
diesel::allow_tables_to_appear_in_same_query!(ticket_pauses, users);
diesel::allow_tables_to_appear_in_same_query!(sla_alerts, tickets);

// Standard rescue plans (标准救援方案) and the plan versions made from them.
diesel::table! {
    standard_plans (id) {
        id -> Text,
        dealer_id -> Text,
        name -> Text,
        kind -> Text,
        crew_size -> Integer,
        estimated_minutes -> Integer,
        price_ceiling_fen -> BigInt,
        agent_consent -> Bool,
        active -> Bool,
        version -> Integer,
        approved_by -> Text,
        approved_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    standard_plan_tools (standard_plan_id, tool_id) {
        standard_plan_id -> Text,
        tool_id -> Text,
        quantity -> Integer,
    }
}

diesel::table! {
    standard_plan_items (id) {
        id -> Text,
        standard_plan_id -> Text,
        position -> Integer,
        description -> Text,
        labour_minutes -> Integer,
    }
}

diesel::table! {
    plan_standard (plan_id) {
        plan_id -> Text,
        standard_plan_id -> Text,
        standard_plan_version -> Integer,
        standing_approval_by -> Nullable<Text>,
        agent_consent -> Bool,
    }
}

diesel::joinable!(standard_plans -> users (approved_by));
diesel::joinable!(standard_plan_tools -> standard_plans (standard_plan_id));
diesel::joinable!(standard_plan_tools -> tools (tool_id));
diesel::joinable!(standard_plan_items -> standard_plans (standard_plan_id));
diesel::joinable!(plan_standard -> plans (plan_id));
diesel::joinable!(plan_standard -> standard_plans (standard_plan_id));
diesel::allow_tables_to_appear_in_same_query!(standard_plans, users);
diesel::allow_tables_to_appear_in_same_query!(standard_plan_tools, standard_plans);
diesel::allow_tables_to_appear_in_same_query!(standard_plan_tools, tools);
diesel::allow_tables_to_appear_in_same_query!(standard_plan_items, standard_plans);
diesel::allow_tables_to_appear_in_same_query!(plan_standard, plans);
diesel::allow_tables_to_appear_in_same_query!(plan_standard, standard_plans);
// The crew's phone: the last shared position per technician and ticket (migration 000018).
diesel::table! {
    crew_positions (ticket_id, technician_id) {
        ticket_id -> Text,
        technician_id -> Text,
        lat -> Double,
        lon -> Double,
        accuracy_m -> Double,
        fixed_at -> Timestamp,
        received_at -> Timestamp,
        road_km -> Double,
        drive_minutes -> Integer,
        source -> Text,
    }
}
diesel::joinable!(crew_positions -> tickets (ticket_id));
diesel::joinable!(crew_positions -> technicians (technician_id));
diesel::allow_tables_to_appear_in_same_query!(crew_positions, tickets);
diesel::allow_tables_to_appear_in_same_query!(crew_positions, technicians);

diesel::table! {
    audit_events (id) {
        id -> Text,
        dealer_id -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        entity -> Text,
        entity_id -> Text,
        action -> Text,
        actor_id -> Nullable<Text>,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        comment -> Nullable<Text>,
        data -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(dealers -> dealer_groups (group_id));
diesel::joinable!(users -> dealers (dealer_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(technicians -> dealers (dealer_id));
diesel::joinable!(technicians -> users (user_id));
diesel::joinable!(technician_skills -> technicians (technician_id));
diesel::joinable!(rota_shifts -> technicians (technician_id));
diesel::joinable!(rota_shifts -> users (user_id));
diesel::joinable!(rota_shifts -> dealers (dealer_id));
diesel::joinable!(rota_holidays -> dealers (dealer_id));
diesel::joinable!(tools -> dealers (dealer_id));
diesel::joinable!(stock -> dealers (dealer_id));
diesel::joinable!(stock -> parts (part_id));
diesel::joinable!(vehicles -> customers (customer_id));
diesel::joinable!(vehicles -> dealers (dealer_id));
diesel::joinable!(service_visits -> vehicles (vehicle_id));
diesel::joinable!(service_visits -> dealers (dealer_id));
diesel::joinable!(service_visit_parts -> service_visits (visit_id));
diesel::joinable!(service_visit_parts -> parts (part_id));
diesel::joinable!(ticket_counters -> dealers (dealer_id));
diesel::joinable!(tickets -> dealers (dealer_id));
diesel::joinable!(tickets -> vehicles (vehicle_id));
diesel::joinable!(tickets -> customers (customer_id));
diesel::joinable!(tickets -> users (created_by));
diesel::joinable!(plans -> tickets (ticket_id));
diesel::joinable!(plans -> users (created_by));
diesel::joinable!(plan_crew -> plans (plan_id));
diesel::joinable!(plan_crew -> technicians (technician_id));
diesel::joinable!(plan_tools -> plans (plan_id));
diesel::joinable!(plan_tools -> tools (tool_id));
diesel::joinable!(plan_parts -> plans (plan_id));
diesel::joinable!(plan_parts -> parts (part_id));
diesel::joinable!(plan_items -> plans (plan_id));
diesel::joinable!(approvals -> tickets (ticket_id));
diesel::joinable!(approvals -> plans (plan_id));
diesel::joinable!(approvals -> users (actor_id));
diesel::joinable!(part_issues -> tickets (ticket_id));
diesel::joinable!(part_issues -> plans (plan_id));
diesel::joinable!(part_issues -> parts (part_id));
diesel::joinable!(part_issues -> dealers (dealer_id));
diesel::joinable!(part_issues -> users (issued_by));
diesel::joinable!(part_issues -> technicians (received_by));
diesel::joinable!(sourcing_orders -> tickets (ticket_id));
diesel::joinable!(sourcing_orders -> plan_parts (plan_part_id));
diesel::joinable!(sourcing_orders -> parts (part_id));
diesel::joinable!(sourcing_orders -> dealers (source_dealer_id));
diesel::joinable!(sourcing_orders -> users (reviewed_by));
diesel::joinable!(outbox -> tickets (ticket_id));
diesel::joinable!(links -> tickets (ticket_id));
diesel::joinable!(location_shares -> tickets (ticket_id));
diesel::joinable!(audit_events -> dealers (dealer_id));
diesel::joinable!(audit_events -> tickets (ticket_id));
diesel::joinable!(audit_events -> users (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    dealer_groups,
    dealers,
    users,
    user_roles,
    sessions,
    api_tokens,
    technicians,
    technician_skills,
    rota_shifts,
    rota_holidays,
    tools,
    parts,
    stock,
    customers,
    vehicles,
    service_visits,
    service_visit_parts,
    ticket_counters,
    tickets,
    plans,
    plan_crew,
    plan_tools,
    plan_parts,
    plan_items,
    approvals,
    part_issues,
    sourcing_orders,
    outbox,
    app_secrets,
    links,
    location_shares,
    audit_events,
);

// The crew's phone and one active job per technician (migration 000019, issue 12).
diesel::table! {
    ticket_photos (id) {
        id -> Text,
        ticket_id -> Text,
        kind -> Text,
        content_type -> Text,
        size_bytes -> Integer,
        data -> Binary,
        technician_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        taken_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_signatures (ticket_id) {
        ticket_id -> Text,
        work_done -> Text,
        png -> Nullable<Binary>,
        absent_reason -> Nullable<Text>,
        taken_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    busy_overrides (ticket_id, technician_id) {
        ticket_id -> Text,
        technician_id -> Text,
        other_ticket_id -> Text,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(ticket_photos -> tickets (ticket_id));
diesel::joinable!(ticket_signatures -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(ticket_photos, tickets);
diesel::allow_tables_to_appear_in_same_query!(ticket_signatures, tickets);
diesel::allow_tables_to_appear_in_same_query!(busy_overrides, tickets);

diesel::table! {
    follow_ups (id) {
        id -> Text,
        ticket_id -> Text,
        dealer_id -> Text,
        status -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_try_at -> Nullable<Timestamp>,
        score -> Nullable<Integer>,
        comment -> Nullable<Text>,
        done_by -> Nullable<Text>,
        done_at -> Nullable<Timestamp>,
        // Migration 000026_customer_rating: answered by the customer on their status link.
        by_customer -> Bool,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        ticket_id -> Text,
        dealer_id -> Text,
        follow_up_id -> Nullable<Text>,
        status -> Text,
        summary -> Text,
        owner_id -> Nullable<Text>,
        // Empty for a complaint the customer's own low score opened (000026_customer_rating).
        opened_by -> Nullable<Text>,
        opened_at -> Timestamp,
        escalated_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        closing_note -> Nullable<Text>,
    }
}

diesel::table! {
    complaint_steps (id) {
        id -> Text,
        complaint_id -> Text,
        note -> Text,
        taken_by -> Text,
        taken_at -> Timestamp,
    }
}

diesel::joinable!(follow_ups -> tickets (ticket_id));
diesel::joinable!(complaints -> tickets (ticket_id));
diesel::joinable!(complaint_steps -> complaints (complaint_id));
diesel::joinable!(complaint_steps -> users (taken_by));
diesel::allow_tables_to_appear_in_same_query!(follow_ups, tickets);
diesel::allow_tables_to_appear_in_same_query!(complaints, tickets);
diesel::allow_tables_to_appear_in_same_query!(complaint_steps, complaints);
diesel::allow_tables_to_appear_in_same_query!(complaint_steps, users);
diesel::allow_tables_to_appear_in_same_query!(follow_ups, users);
diesel::allow_tables_to_appear_in_same_query!(complaints, users);

// Weather and area suspensions (migration 2026-12-02-000023_suspensions).
diesel::table! {
    suspensions (id) {
        id -> Text,
        dealer_id -> Text,
        shape -> Text,
        centre_lat -> Nullable<Double>,
        centre_lon -> Nullable<Double>,
        radius_km -> Nullable<Double>,
        points -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        reason -> Text,
        customer_words -> Nullable<Text>,
        declared_by -> Text,
        declared_at -> Timestamp,
        lifted_by -> Nullable<Text>,
        lifted_at -> Nullable<Timestamp>,
        resumed_told_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(suspensions -> dealers (dealer_id));
diesel::allow_tables_to_appear_in_same_query!(suspensions, dealers);
diesel::allow_tables_to_appear_in_same_query!(suspensions, users);

// What a finished rescue gives the monthly report, written when it finishes (migration
// 2026-12-02-000027_rescue_facts).
diesel::table! {
    rescue_facts (ticket_id) {
        ticket_id -> Text,
        dealer_id -> Text,
        call_time -> Timestamp,
        response_level -> Integer,
        outcome -> Text,
        response_started_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        departed_at -> Nullable<Timestamp>,
        on_site_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        mismatch -> Bool,
        plan_id -> Nullable<Text>,
        cost_fen -> Nullable<BigInt>,
        written_at -> Timestamp,
    }
}

diesel::joinable!(rescue_facts -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(rescue_facts, tickets);
// Rescue vehicles and their readiness checks (migration 000028).
diesel::table! {
    rescue_vehicles (id) {
        id -> Text,
        dealer_id -> Text,
        plate -> Text,
        kind -> Text,
        carries -> Text,
        base -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vehicle_checks (id) {
        id -> Text,
        vehicle_id -> Text,
        occasion -> Text,
        fuel -> Bool,
        water -> Bool,
        tyre_pressure -> Bool,
        tool_kit -> Bool,
        lights -> Bool,
        passed -> Bool,
        note -> Nullable<Text>,
        checked_by -> Text,
        checked_at -> Timestamp,
    }
}
diesel::joinable!(vehicle_checks -> rescue_vehicles (vehicle_id));
diesel::joinable!(vehicle_checks -> users (checked_by));
diesel::allow_tables_to_appear_in_same_query!(vehicle_checks, rescue_vehicles);
diesel::allow_tables_to_appear_in_same_query!(vehicle_checks, users);

// The vehicle a plan version sends (migration 000029).
diesel::table! {
    plan_vehicles (plan_id) {
        plan_id -> Text,
        vehicle_id -> Text,
        tows -> Bool,
        override_reason -> Nullable<Text>,
    }
}
diesel::joinable!(plan_vehicles -> plans (plan_id));
diesel::joinable!(plan_vehicles -> rescue_vehicles (vehicle_id));
diesel::allow_tables_to_appear_in_same_query!(plan_vehicles, plans);
diesel::allow_tables_to_appear_in_same_query!(plan_vehicles, tickets);
diesel::allow_tables_to_appear_in_same_query!(plan_vehicles, rescue_vehicles);
diesel::allow_tables_to_appear_in_same_query!(rescue_vehicles, plans);
diesel::allow_tables_to_appear_in_same_query!(rescue_vehicles, tickets);

// The group's holiday calendar and what each holiday does to the ways parts travel (000030).
diesel::table! {
    holidays (id) {
        id -> Text,
        group_id -> Text,
        name_zh -> Text,
        name_en -> Text,
        first_day -> Text,
        last_day -> Text,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    holiday_effects (holiday_id, channel) {
        holiday_id -> Text,
        channel -> Text,
        stopped -> Bool,
        extra_hours -> Integer,
    }
}

diesel::joinable!(holidays -> dealer_groups (group_id));
diesel::joinable!(holiday_effects -> holidays (holiday_id));
diesel::allow_tables_to_appear_in_same_query!(holiday_effects, holidays);
diesel::allow_tables_to_appear_in_same_query!(holidays, users);

// The holiday stock order lists and their lines (000031).
diesel::table! {
    holiday_stock_lists (id) {
        id -> Text,
        dealer_id -> Text,
        holiday_id -> Text,
        status -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    holiday_stock_lines (list_id, part_id) {
        list_id -> Text,
        part_id -> Text,
        held_up -> Integer,
        expected -> Integer,
        available -> Integer,
        suggested -> Integer,
        quantity -> Integer,
        received -> Integer,
        received_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(holiday_stock_lists -> holidays (holiday_id));
diesel::joinable!(holiday_stock_lines -> holiday_stock_lists (list_id));
diesel::joinable!(holiday_stock_lines -> parts (part_id));
diesel::allow_tables_to_appear_in_same_query!(holiday_stock_lists, holidays);
diesel::allow_tables_to_appear_in_same_query!(holiday_stock_lines, holiday_stock_lists);
diesel::allow_tables_to_appear_in_same_query!(holiday_stock_lines, parts);
