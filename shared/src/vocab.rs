//! One vocabulary for the words both ends and the database share: item kind and family, item
//! status and its transitions, impression actions, who wrote a message, who holds a live
//! socket. Each is an enum whose string forms are derived (`strum`: `as_ref()`/`Display` to
//! write, `FromStr` to read), so a word exists once and a typo is a compile error.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr};

macro_rules! words {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize,
            AsRefStr, Display, EnumString, IntoStaticStr, EnumIter,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
}

words! {
    /// The kind of an authored item (the `items.kind` column, the `kind` of an outbound
    /// message in the admin API).
    ItemKind { Chat, Post, Banner, Tooltip, Tour, Survey, Checklist }
}

words! {
    /// A family of items: what one admin path serves (`/admin/v1/outbound` holds chats, posts
    /// and banners) and what an impression names (`kind` of `/v1/impressions`, the
    /// `impressions.kind` column: the singular form).
    Family {
        Outbound,
        #[serde(rename = "tooltip")]
        #[strum(serialize = "tooltip")]
        Tooltips,
        #[serde(rename = "tour")]
        #[strum(serialize = "tour")]
        Tours,
        #[serde(rename = "survey")]
        #[strum(serialize = "survey")]
        Surveys,
        #[serde(rename = "checklist")]
        #[strum(serialize = "checklist")]
        Checklists,
    }
}

words! {
    /// Where an authored item is in its life (the `items.status` column).
    Status { Draft, Active, Paused, Archived }
}

words! {
    /// Where a help-center article is in its life (the `articles.status` column).
    ArticleStatus { Draft, Published, Archived }
}

words! {
    /// What an author asks of an item's status (`/admin/v1/{family}/{id}/{transition}`).
    Transition { Activate, Pause, Archive }
}

words! {
    /// What a visitor did with an item (`/v1/impressions`, the `impressions.action` column).
    ImpressionAction { Shown, Clicked, Dismissed, Completed }
}

words! {
    /// Who wrote a message (the `messages.author_type` column). `System`: the edge itself
    /// (the help center's suggested articles before a teammate picks up).
    AuthorSide { Visitor, Agent, System }
}

words! {
    /// Who holds a live socket on the hub.
    HubRole { Visitor, Agent }
}

impl ItemKind {
    pub fn family(self) -> Family {
        match self {
            ItemKind::Chat | ItemKind::Post | ItemKind::Banner => Family::Outbound,
            ItemKind::Tooltip => Family::Tooltips,
            ItemKind::Tour => Family::Tours,
            ItemKind::Survey => Family::Surveys,
            ItemKind::Checklist => Family::Checklists,
        }
    }
}

impl Family {
    /// The kinds of item this family holds.
    pub fn kinds(self) -> &'static [ItemKind] {
        match self {
            Family::Outbound => &[ItemKind::Chat, ItemKind::Post, ItemKind::Banner],
            Family::Tooltips => &[ItemKind::Tooltip],
            Family::Tours => &[ItemKind::Tour],
            Family::Surveys => &[ItemKind::Survey],
            Family::Checklists => &[ItemKind::Checklist],
        }
    }
    /// The admin path segment (`/admin/v1/<key>`) and its key in list and `/v1/eligible` answers.
    pub fn key(self) -> &'static str {
        match self {
            Family::Outbound => "outbound",
            Family::Tooltips => "tooltips",
            Family::Tours => "tours",
            Family::Surveys => "surveys",
            Family::Checklists => "checklists",
        }
    }
    /// The prefix of a new item's id.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Family::Outbound => "out_",
            Family::Tooltips => "tip_",
            Family::Tours => "tur_",
            Family::Surveys => "srv_",
            Family::Checklists => "chk_",
        }
    }
    /// The kind of a new item from the body's `kind` (needed where the family has several).
    pub fn kind_for(self, asked: Option<ItemKind>) -> Result<ItemKind, String> {
        let kinds = self.kinds();
        match asked {
            Some(k) if kinds.contains(&k) => Ok(k),
            None if kinds.len() == 1 => Ok(kinds[0]),
            _ => {
                let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                Err(match names.as_slice() {
                    [one] => format!("{one} (or leave it out)"),
                    [init @ .., last] => format!("{} or {last}", init.join(", ")),
                    [] => String::new(),
                })
            }
        }
    }
}

impl Status {
    /// The status after `t`, or why not: an archived item stays archived (it can still be
    /// archived again); a draft cannot be paused; pausing or activating twice changes nothing.
    pub fn after(self, t: Transition) -> Result<Status, String> {
        match (t, self) {
            (Transition::Archive, _) => Ok(Status::Archived),
            (Transition::Activate, Status::Draft | Status::Paused | Status::Active) => {
                Ok(Status::Active)
            }
            (Transition::Pause, Status::Active | Status::Paused) => Ok(Status::Paused),
            (Transition::Activate, from) => Err(format!("a {from} item cannot be activated")),
            (Transition::Pause, from) => Err(format!("a {from} item cannot be paused")),
        }
    }
}

impl ArticleStatus {
    /// `activate` publishes, `pause` unpublishes (back to draft), `archive` archives; from
    /// any status.
    pub fn after(t: Transition) -> ArticleStatus {
        match t {
            Transition::Activate => ArticleStatus::Published,
            Transition::Pause => ArticleStatus::Draft,
            Transition::Archive => ArticleStatus::Archived,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_word_reads_back_as_itself() {
        for k in ItemKind::iter() {
            assert_eq!(k.as_str().parse::<ItemKind>(), Ok(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
            assert!(k.family().kinds().contains(&k), "{k} in its family");
        }
        for f in Family::iter() {
            assert_eq!(f.as_str().parse::<Family>(), Ok(f));
        }
        assert_eq!(Family::Tooltips.as_str(), "tooltip");
        assert_eq!(Family::Tooltips.key(), "tooltips");
        assert_eq!(ImpressionAction::Dismissed.to_string(), "dismissed");
        assert!("Shown".parse::<ImpressionAction>().is_err(), "case matters");
        assert!("".parse::<Status>().is_err());
    }

    #[test]
    fn a_family_takes_only_its_own_kinds() {
        assert_eq!(
            Family::Outbound.kind_for(Some(ItemKind::Post)),
            Ok(ItemKind::Post)
        );
        assert_eq!(
            Family::Outbound.kind_for(None),
            Err("chat, post or banner".into())
        );
        assert_eq!(
            Family::Outbound.kind_for(Some(ItemKind::Tour)),
            Err("chat, post or banner".into())
        );
        assert_eq!(Family::Tours.kind_for(None), Ok(ItemKind::Tour));
        assert_eq!(
            Family::Tours.kind_for(Some(ItemKind::Survey)),
            Err("tour (or leave it out)".into())
        );
    }

    #[test]
    fn status_transitions() {
        use Status::*;
        use Transition::*;
        assert_eq!(Draft.after(Activate), Ok(Active));
        assert_eq!(Paused.after(Activate), Ok(Active));
        assert_eq!(Active.after(Pause), Ok(Paused));
        assert_eq!(Paused.after(Pause), Ok(Paused));
        assert_eq!(
            Draft.after(Pause),
            Err("a draft item cannot be paused".into())
        );
        assert_eq!(
            Archived.after(Activate),
            Err("a archived item cannot be activated".into())
        );
        for s in Status::iter() {
            assert_eq!(s.after(Archive), Ok(Archived));
        }
    }
}
