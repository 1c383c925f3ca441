//! Staff roles and what each may do; every action is checked on the server against these.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CallAgent,
    WorkshopLead,
    ServiceManager,
    ServiceDirector,
    PartsDesk,
    /// 配件经理: runs the parts desk and signs off monitored parts.
    PartsManager,
    Technician,
    Admin,
    /// 平台配件目录管理员: keeps the parts catalogue every dealer group shares; belongs to the
    /// platform, not to a group, so no group's admin changes what the others see.
    CatalogueAdmin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::CallAgent,
        Role::WorkshopLead,
        Role::ServiceManager,
        Role::ServiceDirector,
        Role::PartsDesk,
        Role::PartsManager,
        Role::Technician,
        Role::Admin,
        Role::CatalogueAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::CallAgent => "call_agent",
            Role::WorkshopLead => "workshop_lead",
            Role::ServiceManager => "service_manager",
            Role::ServiceDirector => "service_director",
            Role::PartsDesk => "parts_desk",
            Role::PartsManager => "parts_manager",
            Role::Technician => "technician",
            Role::Admin => "admin",
            Role::CatalogueAdmin => "catalogue_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The catalogue key of this role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::CallAgent => "label-role-call-agent",
            Role::WorkshopLead => "label-role-workshop-lead",
            Role::ServiceManager => "label-role-service-manager",
            Role::ServiceDirector => "label-role-service-director",
            Role::PartsDesk => "label-role-parts-desk",
            Role::PartsManager => "label-role-parts-manager",
            Role::Technician => "label-role-technician",
            Role::Admin => "label-role-admin",
            Role::CatalogueAdmin => "label-role-catalogue-admin",
        }
    }
}

/// Things a user may try; `allowed_roles` is the single table of who may do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateTicket,
    ViewTickets,
    ViewVehicleHistory,
    /// The parts desk pages and their API: the queue, outgoing transfers, a ticket's sourcing.
    ViewPartsDesk,
    ViewOutbox,
    RetryMessages,
    /// Open the import page (it offers each user the kinds below they may import).
    ImportData,
    /// Import the shared parts catalogue.
    ImportCatalogue,
    /// Import stock and service history for the user's own dealer group.
    ImportGroupData,
    /// Pause and resume a ticket's promise clock while the rescue waits on the customer.
    PauseClock,
    /// The dispatch board (`/board`, `GET /api/v1/board`): every open ticket of the dealer.
    ViewBoard,
    /// The board of every dealer of the group, not only the user's own.
    ViewGroupBoard,
    /// See the dealer's standard rescue plans (标准救援方案) and apply one to a ticket's plan.
    ViewStandardPlans,
    /// Define and change them: each save is the director's standing approval.
    ManageStandardPlans,
    /// The duty rota of the user's dealer (`/rota`, `GET /api/v1/rota`).
    ViewRota,
    /// Change the user's own dealer's rota: shifts, the CSV import.
    EditRota,
    /// The rota of every dealer of the group.
    ViewGroupRota,
    /// Make the follow-up calls (回访) of finished rescues and record what the customer said.
    FollowUp,
    /// See the dealer's complaints.
    ViewComplaints,
    /// Take a complaint on: its owner, the steps taken, closing it when the customer is satisfied.
    HandleComplaints,
    /// The monthly report of the dealer (the group's with `ViewGroupBoard`).
    ViewReports,
    /// Declare and lift weather and area suspensions (停止服务区域); the desk sees them with
    /// `ViewBoard`.
    ManageSuspensions,
    /// See the dealer's rescue vehicles and whether each is ready.
    ViewFleet,
    /// Register the dealer's rescue vehicles.
    ManageFleet,
    /// Record a vehicle's readiness check (fuel, water, tyres, tool kit, lights).
    CheckVehicles,
    /// See the group's holiday calendar and what each holiday does to parts logistics.
    ViewHolidays,
    /// Edit the group's holiday calendar.
    ManageHolidays,
    /// See whether the dealer is ready for the coming holiday (rota, vehicles).
    ViewReadiness,
    /// See the holiday stock suggestion and the dealer's stored order list.
    ViewHolidayStock,
    /// Adjust and confirm the holiday stock order list (the parts manager signs it).
    ConfirmHolidayStock,
    /// Record what arrived of a confirmed holiday stock order.
    ReceiveHolidayStock,
    /// See and end one's own page sessions, and revoke one's own API tokens.
    ManageOwnSessions,
    /// See and end the sessions and tokens of any user of the group (its dealers).
    ManageGroupSessions,
}

/// The dealer's desk: every staff role that works on tickets, not the crews on the road (their
/// phones show their own jobs) and not the platform's catalogue admin.
const DESK: &[Role] = &[
    Role::CallAgent,
    Role::WorkshopLead,
    Role::ServiceManager,
    Role::ServiceDirector,
    Role::PartsDesk,
    Role::PartsManager,
    Role::Admin,
];

impl Action {
    /// Every action, in the order the permission table lists them.
    pub const ALL: [Action; 33] = [
        Action::CreateTicket,
        Action::ViewTickets,
        Action::ViewVehicleHistory,
        Action::ViewPartsDesk,
        Action::ViewOutbox,
        Action::RetryMessages,
        Action::ImportData,
        Action::ImportCatalogue,
        Action::ImportGroupData,
        Action::PauseClock,
        Action::ViewBoard,
        Action::ViewGroupBoard,
        Action::ViewStandardPlans,
        Action::ManageStandardPlans,
        Action::ViewRota,
        Action::EditRota,
        Action::ViewGroupRota,
        Action::FollowUp,
        Action::ViewComplaints,
        Action::HandleComplaints,
        Action::ViewReports,
        Action::ManageSuspensions,
        Action::ViewFleet,
        Action::ManageFleet,
        Action::CheckVehicles,
        Action::ViewHolidays,
        Action::ManageHolidays,
        Action::ViewReadiness,
        Action::ViewHolidayStock,
        Action::ConfirmHolidayStock,
        Action::ReceiveHolidayStock,
        Action::ManageOwnSessions,
        Action::ManageGroupSessions,
    ];

    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            // The call centre takes calls; service managers and admins cover for it.
            Action::CreateTicket => &[CallAgent, ServiceManager, Admin],
            Action::ViewTickets => &[
                CallAgent,
                WorkshopLead,
                ServiceManager,
                ServiceDirector,
                PartsDesk,
                PartsManager,
                Technician,
                Admin,
            ],
            Action::ViewVehicleHistory => DESK,
            // Whoever plans, approves or supplies parts; not the call centre, not the crews.
            Action::ViewPartsDesk => &[
                WorkshopLead,
                ServiceManager,
                ServiceDirector,
                PartsDesk,
                PartsManager,
                Admin,
            ],
            // Messages carry customers' numbers: staff who deal with customers.
            Action::ViewOutbox => &[CallAgent, ServiceManager, ServiceDirector, Admin],
            Action::RetryMessages => &[ServiceManager, Admin],
            Action::ImportData => &[Admin, CatalogueAdmin],
            // The catalogue is shared by every dealer group: only the platform changes it.
            Action::ImportCatalogue => &[CatalogueAdmin],
            // Stock and history overwrite a whole dealer group's data at once.
            Action::ImportGroupData => &[Admin],
            // Those who speak with the customer know when the rescue waits on them.
            Action::PauseClock => &[ServiceManager, CallAgent],
            // A wall screen of the desk.
            Action::ViewBoard => DESK,
            // Those who answer for the whole group's promises.
            Action::ViewGroupBoard => &[ServiceDirector, Admin],
            // Whoever plans, reviews, approves or takes the consent call for one.
            Action::ViewStandardPlans => {
                &[CallAgent, WorkshopLead, ServiceManager, ServiceDirector]
            }
            // A standing approval is the director's to give.
            Action::ManageStandardPlans => &[ServiceDirector],
            // Those who run the desk's shifts, and those who answer for them.
            Action::ViewRota => &[WorkshopLead, ServiceManager, ServiceDirector, Admin],
            // The dealer's own desk knows who is in; the director is one of those it names.
            Action::EditRota => &[WorkshopLead, ServiceManager],
            Action::ViewGroupRota => &[ServiceDirector, Admin],
            // The call centre calls the customers back; the service manager covers for it.
            Action::FollowUp => &[CallAgent, ServiceManager, Admin],
            Action::ViewComplaints => DESK,
            // Those who answer to the customer for the dealer.
            Action::HandleComplaints => &[ServiceManager, ServiceDirector, Admin],
            Action::ViewReports => &[ServiceManager, ServiceDirector, Admin],
            // Stopping the service in an area is a decision of those who answer for it.
            Action::ManageSuspensions => &[ServiceManager, ServiceDirector],
            // The desk chooses who goes in what; the crews check what they drive.
            Action::ViewFleet => &[
                CallAgent,
                WorkshopLead,
                ServiceManager,
                ServiceDirector,
                Technician,
                Admin,
            ],
            // Those who run the workshop's vehicles.
            Action::ManageFleet => &[WorkshopLead, ServiceManager, Admin],
            // The crews before they drive off, and the workshop lead who answers for it.
            Action::CheckVehicles => &[Technician, WorkshopLead],
            // Everyone at the desk plans or promises around the holidays.
            Action::ViewHolidays => DESK,
            // One calendar for the whole group: its admins keep it.
            Action::ManageHolidays => &[Admin],
            // Those who prepare the dealer for a holiday and those who answer for it.
            Action::ViewReadiness => &[
                WorkshopLead,
                ServiceManager,
                ServiceDirector,
                PartsManager,
                Admin,
            ],
            // The parts people and those who answer for the holiday; not the crews or the
            // phones, who never order stock.
            Action::ViewHolidayStock => &[
                WorkshopLead,
                ServiceManager,
                ServiceDirector,
                PartsDesk,
                PartsManager,
                Admin,
            ],
            // The order goes to the manufacturer on the parts manager's word alone.
            Action::ConfirmHolidayStock => &[PartsManager],
            // Whoever takes the delivery at the parts counter.
            Action::ReceiveHolidayStock => &[PartsDesk, PartsManager],
            // Whoever signs in may end their own sign-ins (a lost phone, a shared desk PC).
            Action::ManageOwnSessions => &Role::ALL,
            // The group's admins lock out a departed or compromised account at once.
            Action::ManageGroupSessions => &[Admin],
        }
    }

    /// Stable name, for the API's error params and logs.
    pub fn code(self) -> &'static str {
        match self {
            Action::CreateTicket => "create_ticket",
            Action::ViewTickets => "view_tickets",
            Action::ViewVehicleHistory => "view_vehicle_history",
            Action::ViewPartsDesk => "view_parts_desk",
            Action::ViewOutbox => "view_outbox",
            Action::RetryMessages => "retry_messages",
            Action::ImportData => "import_data",
            Action::ImportCatalogue => "import_catalogue",
            Action::ImportGroupData => "import_group_data",
            Action::PauseClock => "pause_clock",
            Action::ViewBoard => "view_board",
            Action::ViewGroupBoard => "view_group_board",
            Action::ViewStandardPlans => "view_standard_plans",
            Action::ManageStandardPlans => "manage_standard_plans",
            Action::ViewRota => "view_rota",
            Action::EditRota => "edit_rota",
            Action::ViewGroupRota => "view_group_rota",
            Action::FollowUp => "follow_up",
            Action::ViewComplaints => "view_complaints",
            Action::HandleComplaints => "handle_complaints",
            Action::ViewReports => "view_reports",
            Action::ManageSuspensions => "manage_suspensions",
            Action::ViewFleet => "view_fleet",
            Action::ManageFleet => "manage_fleet",
            Action::CheckVehicles => "check_vehicles",
            Action::ViewHolidays => "view_holidays",
            Action::ManageHolidays => "manage_holidays",
            Action::ViewReadiness => "view_readiness",
            Action::ViewHolidayStock => "view_holiday_stock",
            Action::ConfirmHolidayStock => "confirm_holiday_stock",
            Action::ReceiveHolidayStock => "receive_holiday_stock",
            Action::ManageOwnSessions => "manage_own_sessions",
            Action::ManageGroupSessions => "manage_group_sessions",
        }
    }

    /// The catalogue key of what the action does, for a refusal ("may not …").
    pub fn label_key(self) -> &'static str {
        match self {
            Action::CreateTicket => "label-action-create-ticket",
            Action::ViewTickets => "label-action-view-tickets",
            Action::ViewVehicleHistory => "label-action-view-vehicle-history",
            Action::ViewPartsDesk => "label-action-view-parts-desk",
            Action::ViewOutbox => "label-action-view-outbox",
            Action::RetryMessages => "label-action-retry-messages",
            Action::ImportData => "label-action-import-data",
            Action::ImportCatalogue => "label-action-import-catalogue",
            Action::ImportGroupData => "label-action-import-group-data",
            Action::PauseClock => "label-action-pause-clock",
            Action::ViewBoard => "label-action-view-board",
            Action::ViewGroupBoard => "label-action-view-group-board",
            Action::ViewStandardPlans => "label-action-view-standard-plans",
            Action::ManageStandardPlans => "label-action-manage-standard-plans",
            Action::ViewRota => "rota-action-view",
            Action::EditRota => "rota-action-edit",
            Action::ViewGroupRota => "rota-action-view-group",
            Action::FollowUp => "fu-action-follow-up",
            Action::ViewComplaints => "cp-action-view",
            Action::HandleComplaints => "cp-action-handle",
            Action::ViewReports => "rep-action-view",
            Action::ManageSuspensions => "susp-action-manage",
            Action::ViewFleet => "fleet-action-view",
            Action::ManageFleet => "fleet-action-manage",
            Action::CheckVehicles => "fleet-action-check",
            Action::ViewHolidays => "holiday-action-view",
            Action::ManageHolidays => "holiday-action-manage",
            Action::ViewReadiness => "ready-action-view",
            Action::ViewHolidayStock => "holiday-stock-action-view",
            Action::ConfirmHolidayStock => "holiday-stock-action-confirm",
            Action::ReceiveHolidayStock => "holiday-stock-action-receive",
            Action::ManageOwnSessions => "acct-action-own",
            Action::ManageGroupSessions => "acct-action-group",
        }
    }

    pub fn permitted(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.allowed_roles().contains(r))
    }
}

/// The permission table as ARCHITECTURE.md prints it (Markdown): each workflow event and each
/// action against each role. Who may act is only half of it: every service also keeps a user
/// to their own dealer (a sister dealer's staff see only stock and the transfers asked of them).
pub fn permission_table() -> String {
    let mut out = String::from("| | ");
    out.push_str(
        &Role::ALL
            .iter()
            .map(|r| format!("`{}`", r.as_str()))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    out.push_str(" |\n|---|");
    out.push_str(&"---|".repeat(Role::ALL.len()));
    out.push('\n');
    let row = |out: &mut String, name: String, may: &dyn Fn(Role) -> bool| {
        out.push_str(&format!("| {name} |"));
        for r in Role::ALL {
            out.push_str(if may(r) { " ✓ |" } else { " |" });
        }
        out.push('\n');
    };
    for e in crate::domain::workflow::Event::ALL {
        row(&mut out, format!("event `{}`", e.as_str()), &|r| {
            e.permitted(&[r])
        });
    }
    for a in Action::ALL {
        row(&mut out, format!("`{}`", a.code()), &|r| a.permitted(&[r]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new action must join `Action::ALL` (and so the permission table): this match stops
    /// compiling until it has a place.
    #[test]
    fn every_action_is_in_all_once() {
        let place = |a: Action| -> usize {
            match a {
                Action::CreateTicket => 0,
                Action::ViewTickets => 1,
                Action::ViewVehicleHistory => 2,
                Action::ViewPartsDesk => 3,
                Action::ViewOutbox => 4,
                Action::RetryMessages => 5,
                Action::ImportData => 6,
                Action::ImportCatalogue => 7,
                Action::ImportGroupData => 8,
                Action::PauseClock => 9,
                Action::ViewBoard => 10,
                Action::ViewGroupBoard => 11,
                Action::ViewStandardPlans => 12,
                Action::ManageStandardPlans => 13,
                Action::ViewRota => 14,
                Action::EditRota => 15,
                Action::ViewGroupRota => 16,
                Action::FollowUp => 17,
                Action::ViewComplaints => 18,
                Action::HandleComplaints => 19,
                Action::ViewReports => 20,
                Action::ManageSuspensions => 21,
                Action::ViewFleet => 22,
                Action::ManageFleet => 23,
                Action::CheckVehicles => 24,
                Action::ViewHolidays => 25,
                Action::ManageHolidays => 26,
                Action::ViewReadiness => 27,
                Action::ViewHolidayStock => 28,
                Action::ConfirmHolidayStock => 29,
                Action::ReceiveHolidayStock => 30,
                Action::ManageOwnSessions => 31,
                Action::ManageGroupSessions => 32,
            }
        };
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(place(*a), i, "{a:?}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("boss"), None);
    }

    #[test]
    fn technicians_cannot_take_calls() {
        assert!(!Action::CreateTicket.permitted(&[Role::Technician]));
        assert!(Action::CreateTicket.permitted(&[Role::Technician, Role::CallAgent]));
        assert!(!Action::ViewVehicleHistory.permitted(&[Role::Technician]));
        assert!(Action::ViewTickets.permitted(&[Role::Technician]));
    }

    #[test]
    fn the_parts_desk_is_for_planners_and_parts_staff() {
        assert!(!Action::ViewPartsDesk.permitted(&[Role::CallAgent]));
        assert!(!Action::ViewPartsDesk.permitted(&[Role::Technician]));
        for r in [
            Role::PartsDesk,
            Role::PartsManager,
            Role::ServiceDirector,
            Role::WorkshopLead,
        ] {
            assert!(Action::ViewPartsDesk.permitted(&[r]), "{r:?}");
        }
    }

    #[test]
    fn only_the_platform_changes_the_shared_catalogue() {
        assert!(!Action::ImportCatalogue.permitted(&[Role::Admin]));
        assert!(Action::ImportCatalogue.permitted(&[Role::CatalogueAdmin]));
        assert!(!Action::ImportGroupData.permitted(&[Role::CatalogueAdmin]));
        assert!(Action::ImportGroupData.permitted(&[Role::Admin]));
        for r in [Role::Admin, Role::CatalogueAdmin] {
            assert!(Action::ImportData.permitted(&[r]), "{r:?} opens the page");
        }
    }
}
