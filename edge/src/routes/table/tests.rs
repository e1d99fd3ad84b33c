//! The route table's own checks: every row routes, `Allow` comes from the rows.
use super::*;

fn op(method: &str, path: &str) -> Result<(Op, String, String), ErrorCode> {
    find(method, path)
        .map(|r| (r.op, r.id, r.task_id))
        .map_err(|e| e.code)
}

#[test]
fn every_row_is_reachable_and_unique() {
    let _ = router();
    for (i, (m, path, o)) in ROUTES.iter().enumerate() {
        let concrete = path.replace("{id}", "x_1").replace("{taskId}", "t1");
        assert_eq!(op(m.as_ref(), &concrete).map(|r| r.0), Ok(*o), "{path}");
        assert!(
            !ROUTES[..i].iter().any(|(m2, p2, _)| m2 == m && p2 == path),
            "{m:?} {path} twice"
        );
    }
}

#[test]
fn fixed_paths_win_over_ids_and_ids_are_captured() {
    assert_eq!(
        op("GET", "/v1/articles/search").map(|r| r.0),
        Ok(HelpSearch)
    );
    assert_eq!(
        op("GET", "/v1/articles/art_9"),
        Ok((HelpRead, "art_9".into(), String::new()))
    );
    assert_eq!(
        op("POST", "/v1/checklists/chk_1/tasks/t2"),
        Ok((ProgressTask, "chk_1".into(), "t2".into()))
    );
    assert_eq!(
        op("POST", "/admin/v1/tours/tur_1/pause").map(|r| r.0),
        Ok(ItemStatus(Tours, Pause))
    );
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405_with_allow() {
    assert_eq!(op("GET", "/v1/nope").err(), Some(ErrorCode::NotFound));
    assert_eq!(
        op("GET", "/admin/v1/outbound/out_1/nope").err(),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        op("GET", "/admin/v1/outbound/").err(),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        op("GET", "/v1/checklists/chk_1/tasks/t1/x").err(),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        op("DELETE", "/v1/boot").err(),
        Some(ErrorCode::MethodNotAllowed)
    );
    assert_eq!(
        op("QUERY", "/admin/v1/workspace").err(),
        Some(ErrorCode::MethodNotAllowed)
    );
    assert_eq!(allow_header("/v1/boot").as_deref(), Some("POST, OPTIONS"));
    assert_eq!(
        allow_header("/admin/v1/outbound/out_nope").as_deref(),
        Some("GET, PATCH, DELETE, OPTIONS")
    );
    assert_eq!(
        allow_header("/admin/v1/workspace").as_deref(),
        Some("GET, PATCH, OPTIONS")
    );
    assert_eq!(allow_header("/nope"), None);
}
