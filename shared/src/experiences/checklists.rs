//! Checklists: tasks as authored, and when a task counts as done.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{local_id, opt_text, text, valid_local_id};
use crate::error::ApiError;
use crate::types::is_safe_http_url;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum TaskAction {
    StartTour {
        #[serde(rename = "tourId")]
        tour_id: String,
    },
    OpenUrl {
        url: String,
    },
    TrackEvent {
        name: String,
    },
}

/// How a task gets done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum Completion {
    /// The visitor ticks it.
    #[default]
    Manual,
    /// Done once the visitor has tracked this event.
    Event { name: String },
    /// Done once the visitor has this custom attribute (set, not false, not empty).
    Attribute { key: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Task {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<TaskAction>,
    #[serde(default)]
    pub completion: Completion,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChecklistContent {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub tasks: Vec<Task>,
}

pub const MAX_TASKS: usize = 20;

impl ChecklistContent {
    pub fn validate(&self, path: &str, for_activation: bool) -> Result<(), ApiError> {
        text(&self.title, format!("{path}/title"), 120)?;
        opt_text(&self.description, format!("{path}/description"), 1000)?;
        if self.tasks.len() > MAX_TASKS || (for_activation && self.tasks.is_empty()) {
            return Err(ApiError::invalid(
                format!("{path}/tasks"),
                format!("a checklist needs 1-{MAX_TASKS} tasks to go live"),
            ));
        }
        for (i, t) in self.tasks.iter().enumerate() {
            let p = format!("{path}/tasks/{i}");
            local_id(&t.id, format!("{p}/id"))?;
            if self.tasks[..i].iter().any(|o| o.id == t.id) {
                return Err(ApiError::invalid(
                    format!("{p}/id"),
                    "task ids are unique in a checklist",
                ));
            }
            text(&t.title, format!("{p}/title"), 120)?;
            opt_text(&t.description, format!("{p}/description"), 500)?;
            match &t.action {
                Some(TaskAction::OpenUrl { url }) if !is_safe_http_url(url) => {
                    return Err(ApiError::invalid(
                        format!("{p}/action/url"),
                        "an http(s) URL (javascript: and data: are refused)",
                    ))
                }
                Some(TaskAction::StartTour { tour_id }) if !valid_local_id(tour_id) => {
                    return Err(ApiError::invalid(format!("{p}/action/tourId"), "a tour id"))
                }
                Some(TaskAction::TrackEvent { name }) if !crate::events::valid_event_name(name) => {
                    return Err(ApiError::invalid(
                        format!("{p}/action/name"),
                        "an event name",
                    ))
                }
                _ => {}
            }
            match &t.completion {
                Completion::Event { name } if !crate::events::valid_event_name(name) => {
                    return Err(ApiError::invalid(
                        format!("{p}/completion/name"),
                        "an event name",
                    ))
                }
                Completion::Attribute { key } if !crate::attributes::valid_key(key) => {
                    return Err(ApiError::invalid(
                        format!("{p}/completion/key"),
                        "a custom attribute name",
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// Each task's state, in order: a manual task is done when the visitor ticked it; the
    /// others from the visitor's event totals and attributes (a tick cannot complete them).
    pub fn task_states(
        &self,
        ticked: &[&str],
        event_count: impl Fn(&str) -> i64,
        attributes: &Map<String, Value>,
    ) -> Vec<(String, bool)> {
        self.tasks
            .iter()
            .map(|t| {
                let done = t
                    .auto_done(&event_count, attributes)
                    .unwrap_or_else(|| ticked.contains(&t.id.as_str()));
                (t.id.clone(), done)
            })
            .collect()
    }
}

impl Task {
    /// Whether an automatic task is done, from the visitor's event totals and attributes;
    /// `None` for a manual task (its state is what the visitor ticked).
    pub fn auto_done(
        &self,
        event_count: impl Fn(&str) -> i64,
        attributes: &Map<String, Value>,
    ) -> Option<bool> {
        match &self.completion {
            Completion::Manual => None,
            Completion::Event { name } => Some(event_count(name) > 0),
            Completion::Attribute { key } => Some(match attributes.get(key) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => false,
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Array(a)) => !a.is_empty(),
                Some(_) => true,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiences::err_path;
    use serde_json::json;

    #[test]
    fn task_states_take_ticks_for_manual_tasks_only() {
        let c: ChecklistContent = serde_json::from_value(json!({"title": "Start", "tasks": [
            {"id": "read", "title": "Read the guide"},
            {"id": "invite", "title": "Invite", "completion": {"type": "event", "name": "invited"}},
            {"id": "logo", "title": "Logo", "completion": {"type": "attribute", "key": "logo"}}
        ]}))
        .unwrap();
        let none = |_: &str| 0;
        let attrs = Map::new();
        // Nothing done; ticking an automatic task does not complete it.
        assert_eq!(
            c.task_states(&["invite", "logo"], none, &attrs),
            vec![
                ("read".into(), false),
                ("invite".into(), false),
                ("logo".into(), false)
            ]
        );
        let attrs = json!({"logo": "yes"}).as_object().unwrap().clone();
        let states = c.task_states(&["read"], |n| (n == "invited") as i64, &attrs);
        assert!(states.iter().all(|(_, done)| *done), "{states:?}");
        // An unknown tick (a task since removed) changes nothing.
        assert_eq!(
            c.task_states(&["gone"], none, &Map::new())[0],
            ("read".into(), false)
        );
    }

    #[test]
    fn checklists_are_checked_and_tasks_complete_automatically() {
        let c: ChecklistContent = serde_json::from_value(json!({"title": "Get started", "tasks": [
            {"id": "invite", "title": "Invite a teammate", "completion": {"type": "event", "name": "teammate_invited"}},
            {"id": "logo", "title": "Upload a logo", "completion": {"type": "attribute", "key": "has_logo"}},
            {"id": "tour", "title": "Take the tour", "action": {"type": "start_tour", "tourId": "tur_1"}}
        ]}))
        .unwrap();
        assert!(c.validate("/content", true).is_ok());
        let counts = |n: &str| if n == "teammate_invited" { 2 } else { 0 };
        let attrs = json!({"has_logo": false}).as_object().unwrap().clone();
        assert_eq!(c.tasks[0].auto_done(counts, &attrs), Some(true));
        assert_eq!(c.tasks[1].auto_done(counts, &attrs), Some(false));
        let attrs = json!({"has_logo": "yes"}).as_object().unwrap().clone();
        assert_eq!(c.tasks[1].auto_done(counts, &attrs), Some(true));
        assert_eq!(c.tasks[2].auto_done(counts, &attrs), None);
        let bad: ChecklistContent = serde_json::from_value(json!({"title": "x", "tasks": [
            {"id": "a", "title": "A", "action": {"type": "open_url", "url": "javascript:alert(1)"}}
        ]}))
        .unwrap();
        assert_eq!(
            err_path(bad.validate("/content", false)),
            "/content/tasks/0/action/url"
        );
        let dup: ChecklistContent = serde_json::from_value(json!({"title": "x", "tasks": [
            {"id": "a", "title": "A"}, {"id": "a", "title": "B"}
        ]}))
        .unwrap();
        assert_eq!(
            err_path(dup.validate("/content", false)),
            "/content/tasks/1/id"
        );
    }
}
