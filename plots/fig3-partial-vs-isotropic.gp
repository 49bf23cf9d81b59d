# thermo figure 'sweep': re-render with `gnuplot fig3-partial-vs-isotropic.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /tmp/bg2/thermo plot sweep /work/main/runs/fig3-partial-vs-isotropic/sweep -o /work/main/plots/fig3-partial-vs-isotropic.png --force
# in /work/main
# inputs: /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0000-loss=ce/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0001-loss=pla,smooth=1,radius=0.001/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0002-loss=pla,smooth=1,radius=0.01/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0003-loss=pla,smooth=1,radius=0.1/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0004-loss=pla,smooth=2,radius=0.001/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0005-loss=pla,smooth=2,radius=0.01/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0006-loss=pla,smooth=2,radius=0.1/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0007-loss=pla,smooth=1,2,radius=0.001/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0008-loss=pla,smooth=1,2,radius=0.01/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0009-loss=pla,smooth=1,2,radius=0.1/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0010-loss=plea,smooth=1,radius=0.001/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0011-loss=plea,smooth=1,radius=0.01/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0012-loss=plea,smooth=1,radius=0.1/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0013-loss=plea,smooth=2,radius=0.001/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0014-loss=plea,smooth=2,radius=0.01/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0015-loss=plea,smooth=2,radius=0.1/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0016-loss=plea,smooth=1,2,radius=0.001/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0017-loss=plea,smooth=1,2,radius=0.01/summary.json, /work/main/runs/fig3-partial-vs-isotropic/sweep/cells/cell-0018-loss=plea,smooth=1,2,radius=0.1/summary.json
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2008,1630 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig3-partial-vs-isotropic.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0.52574
set size 0.5,0.47426
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'PLA: best test accuracy'
set xlabel 'radius R'
set logscale x 10
set format x '10^{%T}'
set xrange [0.0007943282347242814:0.12589254117941673]
set ylabel 'test accuracy (%)'
set format y '% h'
unset key
plot './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:(column(3) - column(4)):(column(3) + column(4)) with filledcurves fc rgb '#777777' fs transparent solid 0.15 noborder notitle, \
     './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:3 with lines lw 1.2 lc rgb '#777777' dt 3 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 0 using 1:3 with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 0 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 1 using 1:3 with linespoints lw 1.5 lc rgb '#009E73' dt 2 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 1 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#009E73' dt 1 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 2 using 1:3 with linespoints lw 1.5 lc rgb '#E69F00' dt 4 pt 9 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 2 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#E69F00' dt 1 pt 9 ps 0.6 notitle

set origin 0.5,0.52574
set size 0.5,0.47426
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'PLA: final test accuracy'
set xlabel 'radius R'
set logscale x 10
set format x '10^{%T}'
set xrange [0.0007943282347242814:0.12589254117941673]
set format y '% h'
unset key
plot './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:(column(5) - column(6)):(column(5) + column(6)) with filledcurves fc rgb '#777777' fs transparent solid 0.15 noborder notitle, \
     './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:5 with lines lw 1.2 lc rgb '#777777' dt 3 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 0 using 1:5 with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 0 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 1 using 1:5 with linespoints lw 1.5 lc rgb '#009E73' dt 2 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 1 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#009E73' dt 1 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 2 using 1:5 with linespoints lw 1.5 lc rgb '#E69F00' dt 4 pt 9 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.pla.dat' index 2 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#E69F00' dt 1 pt 9 ps 0.6 notitle

set origin 0,0.051476
set size 0.5,0.47426
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'PLEA: best test accuracy'
set xlabel 'radius R'
set logscale x 10
set format x '10^{%T}'
set xrange [0.0007943282347242814:0.12589254117941673]
set ylabel 'test accuracy (%)'
set format y '% h'
unset key
plot './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:(column(3) - column(4)):(column(3) + column(4)) with filledcurves fc rgb '#777777' fs transparent solid 0.15 noborder notitle, \
     './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:3 with lines lw 1.2 lc rgb '#777777' dt 3 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 0 using 1:3 with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 0 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 1 using 1:3 with linespoints lw 1.5 lc rgb '#009E73' dt 2 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 1 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#009E73' dt 1 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 2 using 1:3 with linespoints lw 1.5 lc rgb '#E69F00' dt 4 pt 9 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 2 using 1:3:4 with yerrorbars lw 1.5 lc rgb '#E69F00' dt 1 pt 9 ps 0.6 notitle

set origin 0.5,0.051476
set size 0.5,0.47426
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'PLEA: final test accuracy'
set xlabel 'radius R'
set logscale x 10
set format x '10^{%T}'
set xrange [0.0007943282347242814:0.12589254117941673]
set format y '% h'
unset key
plot './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:(column(5) - column(6)):(column(5) + column(6)) with filledcurves fc rgb '#777777' fs transparent solid 0.15 noborder notitle, \
     './fig3-partial-vs-isotropic.baseline.dat' index 0 using 1:5 with lines lw 1.2 lc rgb '#777777' dt 3 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 0 using 1:5 with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 0 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 1 using 1:5 with linespoints lw 1.5 lc rgb '#009E73' dt 2 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 1 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#009E73' dt 1 pt 5 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 2 using 1:5 with linespoints lw 1.5 lc rgb '#E69F00' dt 4 pt 9 ps 0.6 notitle, \
     './fig3-partial-vs-isotropic.plea.dat' index 2 using 1:5:6 with yerrorbars lw 1.5 lc rgb '#E69F00' dt 1 pt 9 ps 0.6 notitle

# The key shared by all panels: one empty, invisible full-size plot per key column (full size, so that
# gnuplot never wraps a column for lack of height).
set origin 0,0
set size 1,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
unset border; unset tics; unset grid; set xrange [0:1]; set yrange [0:1]
set key at screen 0.04, screen 0.04423 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with lines lw 1.2 lc rgb '#777777' dt 3 title 'cross-entropy (R = 0)'
set key at screen 0.27, screen 0.04423 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 7 ps 0.6 title 'U = \{1\}'
set key at screen 0.5, screen 0.04423 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#009E73' dt 2 pt 5 ps 0.6 title 'U = \{2\}'
set key at screen 0.73, screen 0.04423 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#E69F00' dt 4 pt 9 ps 0.6 title 'U = \{1,2\}'
set border 3; set tics; set grid
unset multiplot
unset output
