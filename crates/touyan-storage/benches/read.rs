//! Experiment: where does reading a table through the store go?
use std::time::Instant;

use sea_orm::{ConnectionTrait, Database, Statement};
use touyan_records::model::Post;
use touyan_storage::Store;

fn main() {
    let url = std::env::args().nth(1).expect("db");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let t = Instant::now();
        let n = store.list::<Post>().await.unwrap().len();
        println!("Store::list<Post> {n} {:.3}", t.elapsed().as_secs_f64());
        let db = Database::connect(format!("sqlite://{url}")).await.unwrap();
        for sql in [
            "SELECT person, village, role, start_on, end_on FROM posts ORDER BY person, village, role, start_on",
            "SELECT person, village, role, start_on, end_on FROM posts",
            "SELECT count(*) FROM posts",
        ] {
            let t = Instant::now();
            let rows = db
                .query_all_raw(Statement::from_string(sea_orm::DbBackend::Sqlite, sql))
                .await
                .unwrap();
            println!("{sql}: {} {:.3}", rows.len(), t.elapsed().as_secs_f64());
        }
    });
    let rt1 = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt1.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let t = Instant::now();
        let n = store.list::<Post>().await.unwrap().len();
        println!("current_thread Store::list<Post> {n} {:.3}", t.elapsed().as_secs_f64());
    });
}
