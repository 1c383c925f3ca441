//! Bar charts drawn on the server as SVG with `plotters` (the report page embeds them; they
//! print as they show). Text is SVG `<text>`: the browser draws it, Chinese included.

use plotters::prelude::*;

use crate::error::AppError;

/// One series of a bar chart: its name (the legend), colour and one value per category.
pub struct Series {
    pub name: String,
    pub color: RGBColor,
    pub values: Vec<f64>,
}

/// The report's colours: calm blue, the warning amber, and a grey.
pub const BLUE: RGBColor = RGBColor(37, 99, 235);
pub const AMBER: RGBColor = RGBColor(245, 158, 11);
pub const GREY: RGBColor = RGBColor(107, 114, 128);
pub const RED: RGBColor = RGBColor(220, 38, 38);

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("chart: {e}"))
}

/// A grouped bar chart, `categories` along the bottom, one bar per series in each; `y_max`
/// fixes the scale (e.g. 100 for shares), else it fits the largest value. With no bar above zero
/// the plot says `empty` in its middle (an empty frame reads as a drawing error).
pub fn bars(
    title: &str,
    y_label: &str,
    categories: &[String],
    series: &[Series],
    y_max: Option<f64>,
    empty: &str,
) -> Result<String, AppError> {
    // With several series the legend stands in a column right of the plot, never over a bar,
    // as wide as its longest name needs (a Chinese character about twice a Latin letter at 15 px:
    // "90th percentile (minutes)" was cut at a fixed 120 px).
    let legend_w: u32 = if series.len() > 1 {
        let text_px = |name: &str| -> u32 {
            name.chars()
                .map(|c| if c.is_ascii() { 8 } else { 15 })
                .sum()
        };
        let longest = series.iter().map(|s| text_px(&s.name)).max().unwrap_or(0);
        (longest + 30).clamp(120, 240)
    } else {
        0
    };
    let (width, height) = (720u32 + legend_w, 340u32);
    let n = categories.len().max(1);
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let y_top = y_max.unwrap_or(if top > 0.0 { top * 1.15 } else { 1.0 });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(12)
            .margin_right(12 + legend_w)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..n as f64, 0f64..y_top)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .y_desc(y_label)
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(failed)?;
        let k = series.len().max(1) as f64;
        let band = 0.8 / k;
        for (j, s) in series.iter().enumerate() {
            let color = s.color;
            chart
                // A value that is not a number (nothing to measure) draws no bar at all, unlike a
                // true 0.
                .draw_series(
                    s.values
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| v.is_finite())
                        .map(|(i, v)| {
                            let x0 = i as f64 + 0.1 + j as f64 * band;
                            Rectangle::new(
                                [(x0, 0.0), (x0 + band * 0.92, v.max(0.0))],
                                color.filled(),
                            )
                        }),
                )
                .map_err(failed)?;
        }
        // The category names under their group of bars, where the axis labels would be.
        let below = chart.backend_coord(&(0.0, 0.0)).1 + 8;
        for (i, c) in categories.iter().enumerate() {
            let (x, _) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            root.draw(&Text::new(
                c.clone(),
                (x, below),
                ("sans-serif", 12).into_font().color(&BLACK).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Top,
                    ),
                ),
            ))
            .map_err(failed)?;
        }
        if top <= 0.0 {
            let (x, y) = chart.backend_coord(&(n as f64 / 2.0, y_top / 2.0));
            root.draw(&Text::new(
                empty.to_owned(),
                (x, y),
                ("sans-serif", 18).into_font().color(&GREY).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                ),
            ))
            .map_err(failed)?;
        }
        if series.len() > 1 {
            let x = (width - legend_w) as i32;
            for (i, s) in series.iter().enumerate() {
                let y = 56 + i as i32 * 24;
                root.draw(&Rectangle::new(
                    [(x, y - 6), (x + 12, y + 6)],
                    s.color.filled(),
                ))
                .map_err(failed)?;
                root.draw(&Text::new(
                    s.name.clone(),
                    (x + 18, y),
                    ("sans-serif", 15).into_font().color(&BLACK).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Left,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    ),
                ))
                .map_err(failed)?;
            }
        }
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_an_svg_with_a_bar_per_value_and_the_names() {
        let svg = bars(
            "环节时长",
            "分钟",
            &["响应".into(), "审批".into()],
            &[
                Series {
                    name: "中位数".into(),
                    color: BLUE,
                    values: vec![10.0, 20.0],
                },
                Series {
                    name: "90%".into(),
                    color: AMBER,
                    values: vec![15.0, f64::NAN],
                },
            ],
            None,
            "无数据",
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("无数据"), "bars to show: no note");
        for text in ["环节时长", "响应", "审批", "中位数", "90%", "分钟"] {
            assert!(svg.contains(text), "{text}");
        }
        // Each colour: its legend key and its bars; a NaN draws no bar at all.
        assert_eq!(
            svg.matches("fill=\"#2563EB\"").count(),
            1 + 2,
            "legend + 2 bars"
        );
        assert_eq!(
            svg.matches("fill=\"#F59E0B\"").count(),
            1 + 1,
            "legend + 1 bar"
        );
        // The legend stands right of the plot: no key is drawn inside the 720 px of bars.
        assert!(svg.contains("width=\"840\""), "{svg}");
    }

    #[test]
    fn a_long_legend_name_widens_its_column() {
        let series = |name: &str| Series {
            name: name.into(),
            color: BLUE,
            values: vec![1.0],
        };
        let svg = bars(
            "t",
            "y",
            &["a".into()],
            &[
                series("Median (minutes)"),
                series("90th percentile (minutes)"),
            ],
            None,
            "-",
        )
        .unwrap();
        // 25 letters at 8 px and the key: 230 px of legend beside the 720 px plot.
        assert!(svg.contains("width=\"950\""), "{}", &svg[..200]);
    }

    #[test]
    fn an_empty_chart_still_draws_and_says_so() {
        let svg = bars("t", "y", &[], &[], Some(100.0), "本期无数据").unwrap();
        assert!(
            svg.contains("</svg>") && svg.contains("本期无数据"),
            "{svg}"
        );
        let zeros = Series {
            name: "n".into(),
            color: GREY,
            values: vec![0.0; 5],
        };
        let svg = bars("t", "y", &["1".into()], &[zeros], None, "本期无数据").unwrap();
        assert!(svg.contains("本期无数据"), "only zeros: {svg}");
    }
}
