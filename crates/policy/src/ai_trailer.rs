//! The AI trailer a commit owes: when the agent hook recorded more of the staged added
//! lines than `[policy.ai] require_trailer_above` allows, the message must credit the
//! agent (`Co-authored-by: Claude <noreply@anthropic.com>`). commit-msg blocks without
//! it, or writes it itself with `add_trailer = true`.

use tollgate_core::provenance::CLAUDE_CODE;
use tollgate_core::{ChangeContext, Message};

use crate::config::AiPolicy;
use crate::reviewed::assistants;

/// The rule id of a commit that lacks the AI trailer it owes.
pub const RULE_AI_TRAILER_MISSING: &str = "ai-trailer-missing";

/// The trailer that credits an agent, by the name its lines are recorded under.
pub fn trailer_for(agent: &str) -> String {
    match agent {
        CLAUDE_CODE => "Co-authored-by: Claude <noreply@anthropic.com>".to_string(),
        other => format!("Co-authored-by: {other}"),
    }
}

/// A trailer a change owes and its message lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct OwedTrailer {
    pub agent_lines: usize,
    pub added_lines: usize,
    /// The trailer to add, naming the agent that wrote the most lines.
    pub trailer: String,
}

impl OwedTrailer {
    pub fn describe(&self) -> String {
        format!(
            "an AI agent wrote {} of the {} added lines ({:.0}%)",
            self.agent_lines,
            self.added_lines,
            100.0 * self.agent_lines as f64 / self.added_lines.max(1) as f64
        )
    }
}

/// The trailer `message` owes under `ai` for a change of this provenance; `None` when
/// no trailer is required, the share is not above the threshold, or the message
/// already credits an assistant.
pub fn owed_trailer(ai: &AiPolicy, change: &ChangeContext, message: &Message) -> Option<OwedTrailer> {
    let threshold = ai.threshold()?;
    let provenance = change.provenance.as_deref()?;
    if provenance.agent_lines == 0 || provenance.agent_share() <= threshold || !assistants(message).is_empty() {
        return None;
    }
    Some(OwedTrailer {
        agent_lines: provenance.agent_lines,
        added_lines: provenance.added_lines,
        trailer: trailer_for(provenance.main_agent().unwrap_or(CLAUDE_CODE)),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tollgate_core::provenance::Provenance;

    use super::*;

    fn change(agent_lines: usize, added_lines: usize) -> ChangeContext {
        let mut p = Provenance { added_lines, agent_lines, ..Provenance::default() };
        p.agents.insert(CLAUDE_CODE.to_string(), agent_lines);
        ChangeContext { commit: None, message: None, paths: Vec::new(), provenance: Some(Arc::new(p)) }
    }

    #[test]
    fn a_trailer_is_owed_above_the_share_only() {
        let ai = AiPolicy { require_trailer_above: Some(0.5), add_trailer: false };
        let plain = Message::new("Add the parser\n");
        let owed = owed_trailer(&ai, &change(6, 10), &plain).unwrap();
        assert_eq!(owed.trailer, "Co-authored-by: Claude <noreply@anthropic.com>");
        assert!(owed.describe().contains("6 of the 10 added lines (60%)"), "{}", owed.describe());
        assert_eq!(owed_trailer(&ai, &change(5, 10), &plain), None, "not above half");
        let credited = Message::new("Add the parser\n\nCo-authored-by: Claude <noreply@anthropic.com>\n");
        assert_eq!(owed_trailer(&ai, &change(10, 10), &credited), None);
        assert_eq!(owed_trailer(&AiPolicy::default(), &change(10, 10), &plain), None, "no policy, no trailer");
        let any = AiPolicy { require_trailer_above: None, add_trailer: true };
        assert!(owed_trailer(&any, &change(1, 100), &plain).is_some());
        assert_eq!(owed_trailer(&any, &change(0, 100), &plain), None);
    }
}
